package gchat

import "parley/internal/emulator/requestlog"

// logEntry records one API call for tests (GET /_emulator/requests): the
// discovery method ID (chat.spaces.messages.create), the space, the auth
// kind, the outcome as Google's status (RESOURCE_EXHAUSTED) and the
// Retry-After of injected 429s; never message text or tokens.
type logEntry struct {
	requestlog.Entry
	Space string `json:"space,omitempty"`
	Auth  string `json:"auth"` // "user", "app" or "none"
}
