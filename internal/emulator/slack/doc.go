// Package slack is an in-memory emulator of Slack's Web API and Events API
// for tests, benchmarks and `parley sandbox`. Importers alias it slackemu.
//
// It serves real paths and JSON shapes (/api/<method>, form or JSON
// bodies, HTTP 200 {"ok":false,"error":…} errors, 429 with Retry-After),
// signs event deliveries with v0 HMAC-SHA256 and retries them with
// X-Slack-Retry-* headers, so the official clients (slack-go) accept it.
// A /_emulator/ control API, not part of Slack, injects faults (SANDBOX.md),
// moves the clock (POST /_emulator/clock, package clock: token lifetimes,
// rate-limit windows, OAuth codes, timed faults and event retries run on
// it), lists API calls, sets request URLs and mints OAuth codes.
//
// Choices where Slack's docs are unclear or where the emulator simplifies:
//   - All channels are public; channel_type is "channel".
//   - Text over 40,000 characters is truncated with warning
//     message_truncated, as Slack does since 2018, instead of msg_too_long.
//   - A bot reads (history, replies, reactions) only channels it is a member
//     of (not_in_channel); a person may read any public channel.
//     chat:write.public lets bots post to channels they are not in.
//   - An app receives an event only if its bot is a member of the channel
//     and it holds the scope the matching subscription needs
//     (channels:history for messages, reactions:read, channels:read for
//     member_joined_channel, files:read for file_shared). Events reach
//     every such app, including the one whose bot caused them.
//   - A thread reply does not also emit message_changed for the root.
//   - chat.postMessage with a well-formed thread_ts that names no message
//     fails with thread_not_found (a malformed one with
//     invalid_thread_ts); Slack has been seen to accept such posts and hide
//     them, which would only mask connector bugs here.
//   - Deleting a thread root that has replies leaves a "tombstone"
//     message, as Slack does; message_deleted is still emitted.
//   - Reaction names must be in Slack's standard emoji catalogue
//     (internal/emoji), with an optional skin tone; workspaces have no
//     custom emoji.
//   - metadata is returned by history and replies only with
//     include_all_metadata, as in Slack, and is not put in events.
//   - Uploaded files are capped at 50 MiB and kept in memory only; the
//     upload URL is the credential, as on files.slack.com. Faults apply to
//     /api/ calls, not to uploads and downloads.
//   - Identity (authorize.go, signin.go, oauth.go, revoke.go): Sign in with
//     Slack at /.well-known/openid-configuration, /openid/connect/authorize,
//     /api/openid.connect.token, /api/openid.connect.userInfo and
//     /openid/connect/keys, with the emulator's origin as issuer (standing
//     for https://slack.com); OAuth v2 install and user consent at
//     /oauth/v2/authorize and oauth.v2.access. The authorize pages are an
//     account chooser (one button per person, labelled with the email; the
//     team parameter limits it to that workspace) with Cancel
//     (error=access_denied). An unknown client_id or a redirect_uri that is
//     not exactly one of AppSpec.RedirectURLs is an error page, never a
//     redirect; Slack also accepts sub-paths of a Redirect URL, the
//     emulator does not, so a gateway cannot come to rely on it. Codes are
//     single-use and live 10 minutes: a replay is code_already_used, an
//     expired or unknown code invalid_code, another redirect_uri
//     bad_redirect_uri; PKCE (S256 only) failures are invalid_code_verifier,
//     a name the emulator chose. Scopes are checked for syntax only.
//   - Token rotation is per app (AppSpec.TokenRotation): xoxe.xoxb-1- and
//     xoxe.xoxp-1- tokens expire after 12 hours (then token_expired) and a
//     xoxe-1- refresh token, spent on use, mints the next pair. Without
//     rotation tokens do not expire. Sign-in tokens carry only the OpenID
//     scopes. ID tokens live an hour and carry at_hash and, per scope,
//     email/email_verified and name/given_name/family_name; no picture.
//   - Revocation (auth.revoke, Revoke, Uninstall) takes effect at once and
//     sends the app tokens_revoked (user IDs under oauth/bot); once no
//     token of the app is left in the workspace the app is uninstalled and
//     gets app_uninstalled. A revoked bot keeps its channel memberships.
//   - ts values are unique and increasing across the whole emulator, which
//     implies Slack's per-channel rule.
//   - unknown_method is answered with HTTP 200, like other errors.
package slack
