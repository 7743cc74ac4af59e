package teams

import (
	"sync"
	"time"
)

// maxLogEntries bounds the request log; older entries are dropped.
const maxLogEntries = 10000

// logEntry is the internal name of a RequestRecord.
type logEntry = RequestRecord

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

// Requests returns the logged API calls touching tenant ("" for all),
// oldest first; the Go form of GET /_emulator/requests.
func (e *Emulator) Requests(tenant string) []RequestRecord {
	return e.requests.list(tenant)
}

// RequestRecord is one logged Bot Connector or Graph call. It never holds
// message text, file bytes or tokens: only the route, the token kind, the
// outcome and, for 429s, the Retry-After given.
type RequestRecord struct {
	Time       time.Time `json:"time"`
	API        string    `json:"api"`    // "connector" or "graph"
	Method     string    `json:"method"` // the route, e.g. "POST /v3/conversations/{id}/activities"
	Workspace  string    `json:"workspace,omitempty"`
	TokenKind  string    `json:"token_kind"`
	AppID      string    `json:"app_id,omitempty"`
	Status     int       `json:"status"`
	Error      string    `json:"error,omitempty"`
	RetryAfter int       `json:"retry_after,omitempty"`
}
