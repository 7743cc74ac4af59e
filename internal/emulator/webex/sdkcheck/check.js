// Feeds one webhook delivery the emulator made to webex-node-bot-framework's
// own webhook handler (lib/webhook.js) and reports whether the framework
// accepted it, then whether it rejects the same body with a forged
// signature and a tampered body. It then fetches the message the ID-only
// payload names from the emulator's REST API over TLS with the bot's token.
//
// Usage: node check.js SECRET BODY_FILE SIGNATURE API_URL TOKEN
'use strict';

const fs = require('fs');
const path = require('path');

const [secret, bodyFile, signature, apiURL, token] = process.argv.slice(2);
const raw = fs.readFileSync(bodyFile, 'utf8');

// Replace the framework's event processor so an accepted webhook is
// observable without a running framework.
const pkgDir = path.dirname(require.resolve('webex-node-bot-framework/package.json'));
const processPath = path.join(pkgDir, 'lib', 'process-event.js');
let processed = [];
require.cache[processPath] = {
  id: processPath, filename: processPath, loaded: true,
  exports: (framework, body) => { processed.push(body); return Promise.resolve(true); },
};
const Webhook = require(path.join(pkgDir, 'lib', 'webhook.js'));

const framework = {
  options: { webhookSecret: secret, webhookRequestJSONLocation: 'body' },
  debug: () => {},
  emit: () => {},
};
const handle = Webhook(framework);

async function feed(body, sig) {
  processed = [];
  await handle({ body, headers: { 'x-spark-signature': sig } });
  return processed.length === 1;
}

(async () => {
  const body = JSON.parse(raw);
  console.log('roundtrip ' + (JSON.stringify(body) === raw ? 'same' : 'differs'));
  console.log('genuine ' + ((await feed(body, signature)) ? 'accepted' : 'rejected'));
  console.log('forged ' + ((await feed(body, '0'.repeat(40))) ? 'accepted' : 'rejected'));
  const tampered = JSON.parse(raw);
  tampered.data.personId = 'someone-else';
  console.log('tampered ' + ((await feed(tampered, signature)) ? 'accepted' : 'rejected'));

  const res = await fetch(apiURL + 'messages/' + body.data.id, { headers: { Authorization: 'Bearer ' + token } });
  const msg = await res.json();
  console.log('fetched ' + res.status + ' ' + (msg.id === body.data.id ? 'same-id' : 'other-id'));
})().catch((err) => { console.error(err); process.exit(1); });
