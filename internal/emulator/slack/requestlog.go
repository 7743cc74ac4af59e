package slack

import "parley/internal/emulator/requestlog"

// logEntry records one Web API call for tests (GET /_emulator/requests):
// the method, the token kind, the outcome and, for 429s, the Retry-After
// given; never message text or tokens.
type logEntry struct {
	requestlog.Entry
	TokenKind string `json:"token_kind"`
}
