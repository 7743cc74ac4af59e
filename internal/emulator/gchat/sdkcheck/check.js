// check.js verifies the Google Chat emulator's tokens with Google's own
// auth library, the way a Node.js Chat app or Pub/Sub push endpoint does.
//
// usage: node check.js PUSH_TOKEN PUSH_AUDIENCE OIDC_CERTS_URL CHAT_TOKEN PROJECT_NUMBER CHAT_CERTS_URL
// Prints one "ok" line per token, or exits non-zero with the reason.
'use strict';
const { OAuth2Client } = require('google-auth-library');

async function fetchCerts(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

async function main() {
  const [pushToken, pushAudience, oidcCertsURL, chatToken, projectNumber, chatCertsURL] = process.argv.slice(2);
  const client = new OAuth2Client();

  // verifyIdToken is what push endpoints call; only the certificate
  // source (normally www.googleapis.com/oauth2/v1/certs) is redirected.
  const oidcCerts = await fetchCerts(oidcCertsURL);
  client.getFederatedSignonCertsAsync = async () => ({ certs: oidcCerts });
  const ticket = await client.verifyIdToken({ idToken: pushToken, audience: pushAudience });
  const push = ticket.getPayload();
  if (!push.email_verified) throw new Error('push token: email not verified');
  console.log(`push ok ${push.iss} ${push.email}`);

  // Chat interaction tokens (project-number audience) are checked against
  // the chat@system.gserviceaccount.com certificates.
  const chatCerts = await fetchCerts(chatCertsURL);
  const login = await client.verifySignedJwtWithCertsAsync(chatToken, chatCerts, projectNumber,
    ['chat@system.gserviceaccount.com']);
  console.log(`chat ok ${login.getPayload().iss} ${login.getPayload().aud}`);
}

main().catch((err) => {
  console.error(`FAIL ${err.message}`);
  process.exit(1);
});
