package webex

import (
	"sync"
	"time"
)

// maxLogEntries bounds the request log; older entries are dropped.
const maxLogEntries = 10000

// logEntry records one API call for tests (GET /_emulator/requests). It
// never holds message text, IDs of content or tokens: only the call, the
// org, the token kind, the outcome and, for 429s, the Retry-After given.
type logEntry struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Call       string    `json:"call"`
	Workspace  string    `json:"workspace,omitempty"`
	TokenKind  string    `json:"token_kind,omitempty"`
	Status     int       `json:"status"`
	RetryAfter int       `json:"retry_after,omitempty"`
}

type requestLog struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *requestLog) add(e logEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) >= maxLogEntries {
		l.entries = append(l.entries[:0], l.entries[len(l.entries)-maxLogEntries/2:]...)
	}
	l.entries = append(l.entries, e)
}

// list returns the entries for workspace ("" for all), oldest first.
func (l *requestLog) list(workspace string) []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []logEntry{}
	for _, e := range l.entries {
		if workspace == "" || e.Workspace == workspace {
			out = append(out, e)
		}
	}
	return out
}
