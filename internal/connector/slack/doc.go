// Package slack connects Parley to Slack: an Events API handler that turns
// signed event callbacks into core.Events, and a per-workspace Client that
// speaks Slack's Web API through github.com/slack-go/slack.
//
// The inbound path verifies the request signature over the raw bytes,
// parses the envelope with a small parser of its own (so that only the
// fields Parley relays are trusted), drops our own posts (echo
// suppression) and hands the event to the sink. It calls Slack only for
// the file stubs of Slack Connect channels (file_access check_file_info),
// which files.info fills in. Authors are enriched later by the router
// through the Client's Directory methods.
//
// Slack shares an uploaded file after files.completeUploadExternal answers,
// so SendFile waits for files.info to name the file's message, and never
// uploads a file twice. Reactions go out under Slack's emoji names
// (internal/emoji): characters become names, and a name Slack refuses
// becomes :speech_balloon:.
//
// The Web API is reached with slack-go wherever it exposes what we need;
// auth.test (slack-go does not return app_id) and files.completeUploadExternal
// (slack-go drops the file's shares, which hold the ts of the file post) are
// plain form POSTs. Files are streamed in both directions; the bot token is
// sent only to the API host and to configured file hosts.
package slack
