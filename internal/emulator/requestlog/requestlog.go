// Package requestlog is an emulator's log of the API calls made to it,
// which tests read (GET {control_url}requests[?workspace=ID], SANDBOX.md)
// to see what a client did: which calls, with which kind of token, and
// what it was answered, 429s with their Retry-After. It never holds
// message text, file bytes or tokens.
package requestlog

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Entry is what every platform logs about a call. A platform's entry type
// embeds it and adds its own fields (the kind of token, the API), so the
// JSON of every platform's log has these in common.
type Entry struct {
	Time time.Time `json:"time"`
	// Method names the call as the platform does: a Web API method, a
	// discovery method ID, a route.
	Method string `json:"method"`
	// Workspace is the ID faults are keyed by (SANDBOX.md): team, tenant,
	// domain or org.
	Workspace  string `json:"workspace,omitempty"`
	Status     int    `json:"status"`
	Error      string `json:"error,omitempty"` // the platform's error code
	RetryAfter int    `json:"retry_after,omitempty"`
}

func (e Entry) entry() Entry { return e }

// Record is a platform's entry type: a struct that embeds Entry.
type Record interface{ entry() Entry }

// MaxEntries bounds a log: past it the older half is dropped.
const MaxEntries = 10000

// Log holds entries of type E, oldest first. The zero value is ready; it
// is safe for concurrent use.
type Log[E Record] struct {
	mu      sync.Mutex
	entries []E
}

// Add appends e.
func (l *Log[E]) Add(e E) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) >= MaxEntries {
		l.entries = append(l.entries[:0], l.entries[len(l.entries)-MaxEntries/2:]...)
	}
	l.entries = append(l.entries, e)
}

// List returns the entries touching workspace ("" for all), oldest first;
// never nil, so it encodes as [].
func (l *Log[E]) List(workspace string) []E {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []E{}
	for _, e := range l.entries {
		if workspace == "" || e.entry().Workspace == workspace {
			out = append(out, e)
		}
	}
	return out
}

// ServeHTTP is GET {control_url}requests[?workspace=ID]:
// {"ok":true,"requests":[…]}.
func (l *Log[E]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := json.Marshal(map[string]any{"ok": true, "requests": l.List(r.URL.Query().Get("workspace"))})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
