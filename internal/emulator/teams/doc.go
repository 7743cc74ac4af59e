// Package teams is an in-memory emulator of Microsoft Teams as a bot and
// its users see it, for tests, benchmarks and `parley sandbox`. Importers
// alias it teamsemu.
//
// One handler serves, on one host:
//   - the Bot Connector at the serviceUrl (/v3/conversations…,
//     /v3/teams/…), accepting only Connector tokens it issued, with Teams'
//     per-bot, per-conversation limits (429 + Retry-After) and 413
//     MessageSizeTooBig past 100 KB of UTF-16;
//   - the identity side: a client-credentials token endpoint per tenant
//     (/{tenant}/oauth2/v2.0/token, plus the v2.0 OpenID configuration MSAL
//     reads first), and the Bot Framework OpenID metadata and JWKS (keys
//     with endorsements ["msteams"]) that validate the RS256 JWTs on
//     activities it POSTs to bots (iss https://api.botframework.com,
//     aud = app ID, serviceurl claim);
//   - a Microsoft Graph v1.0 subset (/v1.0/…) through which scripts act as
//     people with delegated tokens: users, teams, channels, channel
//     messages and replies, softDelete, reactions, the channel files
//     folder and uploads; 429 + Retry-After throttling;
//   - pre-authenticated file downloads (/drive/…) and the /_emulator/
//     control API (faults per SANDBOX.md with workspace = tenant ID, the
//     clock per package clock, the request log, key rotation).
//
// When a person acts through Graph the emulator delivers the matching
// activity, signed, to every bot installed in the team, per bot in order.
// A bot's own sends are not delivered back to it, as in Teams.
//
// Choices where Microsoft's docs are unclear or where the emulator
// simplifies:
//   - Bots are installed with the RSC permission ChannelMessage.Read.Group,
//     so they receive every channel message, not only @mentions, and
//     receive messages posted by other bots.
//   - Reactions by people to any message, not only the bot's, produce
//     messageReaction (whether Teams does so under RSC is unverified). The
//     activity's id is a fresh "f:…" ID and replyToId names the message.
//   - Every channel activity's conversation.id carries ";messageid=<root>",
//     the root post included; replies also carry replyToId = root.
//     channelData has teamsTeamId, teamsChannelId, team.id (the General
//     channel's thread ID), channel.id and tenant.id; only
//     conversationUpdate and installationUpdate add team.name and
//     team.aadGroupId (bots call GET /v3/teams/{id} for the rest).
//   - activity.text is plain text with mentions as <at>Name</at>; the
//     text/html attachment has the rich text with mentions as skype
//     Mention spans (itemtype http://schema.skype.com/Mention, itemid =
//     the index into entities), as Teams sends them.
//   - Bot text is stored for Graph as given: textFormat plain is escaped,
//     markdown and xml are kept verbatim (Teams would render markdown).
//   - The 100 KB limit is measured on the request body's bytes.
//   - Send limits are keyed per bot and channel (thread replies count
//     toward their channel), a conservative reading of "per conversation".
//   - A bot may edit or delete only its own messages (403 otherwise);
//     deletes are soft, as in Teams.
//   - POST /v3/conversations creates channel threads and 1:1 chats with a
//     person who shares a team with the bot; group chats are refused.
//     People post into chats through Graph /v1.0/chats/{id}/messages: a
//     1:1 chat with a bot has Graph id PersonalChatID(user, app) (bots see
//     it as "a:…"); group chats come from AddGroupChat and bots join them
//     with InstallBotInChat (RSC ChatMessage.Read.Chat: every message).
//     Chat messages have no replies; app tokens cannot read chats.
//   - Connector tokens come from any tenant authority or botframework.com;
//     Graph app tokens (scope https://graph.microsoft.com/.default) only
//     from a tenant authority and carry the application permissions
//     User.Read.All, Files.ReadWrite.All, Team.ReadBasic.All,
//     Channel.ReadBasic.All and ChannelMessage.Read.All: a bot can look
//     people up, read teams, channels and messages, and upload to or
//     download from channel folders, but not post, edit, delete or react
//     through Graph (application permissions cannot, in Graph either).
//   - People's setup tokens never expire; issued app tokens live one hour.
//     Lifetimes, throttling windows and retired signing keys' retention
//     run on the emulator's clock (POST /_emulator/clock); the tokens on
//     activities, ID tokens and key certificates are stamped with the wall
//     clock their receivers check them on.
//   - Sign-in and consent (entra.go, entra_graph.go), Entra ID v2.0 per
//     tenant at /{tenant}/v2.0/.well-known/openid-configuration,
//     /{tenant}/oauth2/v2.0/authorize, /{tenant}/oauth2/v2.0/token and
//     /{tenant}/discovery/v2.0/keys; issuer {origin}/{tid}/v2.0 (standing
//     for https://login.microsoftonline.com/{tid}/v2.0); {tenant} is a
//     tenant ID, its domain, common or organizations (whose discovery
//     issuer is the literal {origin}/{tenantid}/v2.0, as Entra's). Apps are
//     registered with RegisterApp; single-tenant apps may not use /common
//     (AADSTS50194). The chooser lists the tenant's people (every tenant's
//     for common/organizations) by userPrincipalName; Cancel redirects
//     access_denied. Unknown apps and unregistered redirect URIs are error
//     pages (AADSTS700016, 50011). Only response_mode=query is offered.
//     Token errors carry Entra's AADSTS codes: 54005 code reused, 70008
//     expired, 500112 redirect mismatch, 501481 PKCE mismatch, 50173
//     revoked refresh token. Delegated Graph tokens (scp = the granted
//     permissions) live an hour; refresh tokens 90 days unused and stay
//     valid after use, as Entra's. ID tokens have a pairwise sub, oid, tid,
//     preferred_username and, with the email scope, email; no at_hash.
//   - revokeSignInSessions (Graph, or RevokeSignInSessions) ends refresh
//     tokens and, at once, delegated tokens issued before it, as Graph
//     does with continuous access evaluation; setup tokens are unaffected.
//   - Admin consent at /{tenant}/adminconsent and
//     /{tenant}/v2.0/adminconsent redirects admin_consent=True&tenant=…
//     (cancel: error=access_denied, error_subcode=cancel). Every emulated
//     person may consent as an administrator. A multi-tenant app's
//     app-only Graph tokens for a tenant other than its home need that
//     consent (else AADSTS7000229); a single-tenant app gets
//     client-credentials tokens only in its home tenant (AADSTS700016
//     elsewhere, botframework.com included). Bots without a registration
//     are unaffected.
//   - Every bot has an entry in the app catalog (TeamsAppID; externalId =
//     app ID); POST /v1.0/teams/{id}/installedApps with a delegated token
//     holding TeamsAppInstallation.ReadWriteForTeam installs it (200,
//     409 if installed), and the bot gets conversationUpdate and
//     installationUpdate as with InstallBot.
//   - Uploads are capped at 50 MiB and kept in memory; a download URL's
//     key is its credential and does not expire. Faults apply to Bot
//     Connector and Graph calls, not to the login service or downloads.
//   - Activity delivery waits up to 15 s for a 2xx and retries on
//     connection errors, 408, 429 and 5xx along Options.RetryDelays (on
//     the emulator's clock), in place, so later activities never overtake
//     earlier ones.
package teams
