package webex

import "parley/internal/emulator/requestlog"

// logEntry records one API call for tests (GET /_emulator/requests): the
// HTTP method, the call (messages.create), the org, the token kind, the
// outcome and, for 429s, the Retry-After given; never message text, IDs
// of content or tokens.
type logEntry struct {
	requestlog.Entry
	Call      string `json:"call"`
	TokenKind string `json:"token_kind,omitempty"`
}
