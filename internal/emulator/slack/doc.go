// Package slack is an in-memory emulator of Slack's Web API and Events API
// for tests, benchmarks and `parley sandbox`. Importers alias it slackemu.
//
// It serves real paths and JSON shapes (/api/<method>, form or JSON
// bodies, HTTP 200 {"ok":false,"error":…} errors, 429 with Retry-After),
// signs event deliveries with v0 HMAC-SHA256 and retries them with
// X-Slack-Retry-* headers, so the official clients (slack-go) accept it.
// A /_emulator/ control API, not part of Slack, injects faults (SANDBOX.md),
// lists API calls, sets request URLs and mints OAuth codes.
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
//   - Reaction names are checked for syntax only (no emoji catalogue).
//   - metadata is returned by history and replies only with
//     include_all_metadata, as in Slack, and is not put in events.
//   - Uploaded files are capped at 50 MiB and kept in memory only; the
//     upload URL is the credential, as on files.slack.com. Faults apply to
//     /api/ calls, not to uploads and downloads.
//   - oauth.v2.access issues non-expiring bot tokens; token rotation is not
//     emulated.
//   - ts values are unique and increasing across the whole emulator, which
//     implies Slack's per-channel rule.
//   - unknown_method is answered with HTTP 200, like other errors.
package slack
