// Package webex is an in-memory emulator of the Webex messaging REST API
// (/v1/messages, rooms, memberships, people, webhooks, file contents) and of
// Webex webhook delivery, for tests, benchmarks and `parley sandbox`.
// Importers alias it webexemu.
//
// It follows developer.webex.com (wire-facts §4): IDs are base64 of
// ciscospark://us/<TYPE>/<uuid>; errors are {"message","errors","trackingId"}
// with a TrackingID header; 429 carries Retry-After; text, markdown and html
// are each capped at 7,439 bytes; webhook payloads carry IDs only and are
// signed with X-Spark-Signature, the lowercase hex HMAC-SHA1 of the raw body
// under the webhook's secret. Payloads are compact JSON with the fields in
// Webex's order and no HTML escaping, so that JSON.stringify(JSON.parse(body))
// is the body itself: webex-node-bot-framework signs the re-serialised body.
// A /_emulator/ control API, not part of Webex, injects faults (SANDBOX.md;
// the workspace is the org ID) and lists API calls.
//
// Choices where Webex's docs are unclear or where the emulator simplifies:
//   - Visibility follows the docs: a bot's webhooks fire in group rooms only
//     for messages that mention it, in direct rooms for all; a bot may GET a
//     group-room message only if it mentions the bot or is the bot's own,
//     and must list group-room messages with mentionedPeople=me. A person
//     (integration token, spark:messages_read) sees every message of the
//     rooms they belong to. Webhooks also fire for the owner's own posts.
//   - Editing a message (PUT /v1/messages/{id}) fires a messages "updated"
//     webhook with the same data shape as "created". Whether real Webex does
//     is unconfirmed (wire-facts §11); Parley's connector works either way,
//     it only relays edits when the event arrives. As documented, a
//     message is edited at most 10 times, and a message with files or a
//     card not at all (400).
//   - Cards are one attachment of contentType
//     application/vnd.microsoft.card.adaptive, never together with files;
//     html is only in answers (rendered from markdown), not a request
//     parameter.
//   - Webhook deliveries are retried after Options.RetryDelays (default 1s,
//     10s, 60s of the emulator's clock; Webex's own schedule is
//     unpublished). A webhook whose deliveries failed 100 times (as the
//     webhooks guide says) within 5 minutes gets status "disabled" and
//     receives nothing until a PUT sets status "active" again.
//   - Files are attached only by multipart upload (one per message, at most
//     50 MiB, kept in memory); JSON "files" with a public URL is refused,
//     since the emulator fetches nothing from the internet. Contents are
//     served at /v1/contents/{id} to members of the room, with the bearer
//     token, and HEAD shows Content-Disposition.
//   - Reactions have no public API or webhook, so there are none here.
//   - Lists honour max but return one page without Link headers.
//   - Setup tokens never expire. Integrations (AddIntegration) use OAuth
//     at /v1/authorize and /v1/access_token: access tokens live 14 days,
//     refresh tokens 90 days (a refresh keeps the refresh token); expired
//     tokens get 401. DELETE /v1/authorizations?clientId= (or
//     RevokeIntegration) ends a person's grant and its tokens at once.
//     Scopes beyond the integration's are invalid_scope. Token errors use
//     the RFC 6749 shape plus trackingId (Webex's exact texts are not
//     documented).
//   - Login with Webex: issuer {origin}/idb (standing for
//     https://idbroker.webex.com/idb), discovery at
//     /idb/.well-known/openid-configuration, keys at
//     /idb/oauth2/v2/keys/verificationjwk, /v1/userinfo; the ID token's sub
//     is the person's UUID. Where Webex publishes its discovery document
//     could not be confirmed; the paths above follow the issuer.
//   - The control API's clock (POST /_emulator/clock, package clock) moves
//     Webex's time: token lifetimes, codes, rate limits, the webhook
//     failure window and timed faults follow it; ID tokens are stamped
//     with the wall clock their receivers check them on.
package webex
