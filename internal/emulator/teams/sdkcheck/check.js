// A minimal Teams bot on Microsoft's own Bot Framework SDK (botbuilder
// CloudAdapter), pointed at the Parley Teams emulator. It proves that the
// SDK accepts the emulator's signed activities (JWT, OpenID metadata,
// JWKS with endorsements) and its login service, and that its replies
// land through the emulator's Bot Connector.
//
// Environment: EMU_BASE (https://127.0.0.1:PORT), APP_ID, APP_PASSWORD,
// TENANT_ID; NODE_EXTRA_CA_CERTS must name the emulator's CA.
// Prints "listening <url>" once ready, then one line per turn.
'use strict';

const http = require('http');
const msal = require('@azure/msal-node');

const base = process.env.EMU_BASE;
const appId = process.env.APP_ID;
const password = process.env.APP_PASSWORD;
const tenantId = process.env.TENANT_ID;
if (!base || !appId || !password || !tenantId) {
    console.error('EMU_BASE, APP_ID, APP_PASSWORD and TENANT_ID are required');
    process.exit(2);
}

// MSAL asks login.microsoftonline.com whether an unknown authority host is
// a real cloud (instance discovery) before using it. A private authority
// is declared with knownAuthorities instead; botframework-connector does
// not expose that option, so it is added here, and nothing else changes.
const Original = msal.ConfidentialClientApplication;
msal.ConfidentialClientApplication = class extends Original {
    constructor(config) {
        const host = new URL(base).host;
        super({ ...config, auth: { ...config.auth, knownAuthorities: [host] } });
    }
};

const { CloudAdapter, ConfigurationBotFrameworkAuthentication, ActivityHandler } = require('botbuilder');

const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: tenantId,
    ToBotFromChannelOpenIdMetadataUrl: base + '/botframework/v1/.well-known/openidconfiguration',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: base + '/' + tenantId,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ValidateAuthority: false,
});
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context, error) => {
    console.log('turn error: ' + (error && error.message));
};

class EchoBot extends ActivityHandler {
    constructor() {
        super();
        this.onMessage(async (context, next) => {
            const text = (context.activity.text || '').trim();
            console.log('received message ' + context.activity.id);
            const res = await context.sendActivity('pong: ' + text);
            console.log('replied ' + (res && res.id));
            await next();
        });
        this.onInstallationUpdateAdd(async (context, next) => {
            console.log('installed ' + context.activity.conversation.id);
            await next();
        });
    }
}
const bot = new EchoBot();

// The adapter wants an express-like request with a parsed body and a
// response with status/header/send/end.
const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
        try {
            req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
            res.statusCode = 400;
            res.end();
            return;
        }
        const wrapped = {
            socket: res.socket,
            status(code) { res.statusCode = code; return wrapped; },
            header(name, value) { res.setHeader(name, value); return wrapped; },
            send(body) {
                if (body !== undefined) {
                    res.setHeader('Content-Type', 'application/json');
                    res.write(typeof body === 'string' ? body : JSON.stringify(body));
                }
                return wrapped;
            },
            end() { res.end(); return wrapped; },
        };
        try {
            await adapter.process(req, wrapped, (context) => bot.run(context));
            if (res.statusCode === 401 || res.statusCode === 403) {
                console.log('rejected ' + res.statusCode);
            }
        } catch (e) {
            console.log('process error: ' + e.message);
            if (!res.writableEnded) {
                res.statusCode = 500;
                res.end();
            }
        }
    });
});
server.listen(0, '127.0.0.1', () => {
    console.log('listening http://127.0.0.1:' + server.address().port + '/api/messages');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
