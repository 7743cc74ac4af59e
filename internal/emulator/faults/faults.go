// Package faults is the emulators' fault injection, the contract every
// emulator shares (SANDBOX.md): POST {control_url}faults with
// {"workspace", "status", "retry_after", "count", "seconds", "latency_ms"}
// makes the next count calls (or every call for seconds) touching that
// workspace fail with status and/or wait latency_ms; DELETE clears them.
// With neither count nor seconds a fault lasts until cleared. Each emulator
// decides what "touching a workspace" means and how its platform words the
// failure; the table says which fault applies and waits out its latency
// (Apply).
package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is one injected failure.
type Fault struct {
	Workspace  string        // "" matches every workspace
	Status     int           // 0: latency only
	RetryAfter int           // seconds, for 429s
	Latency    time.Duration // added before answering

	count   int // remaining calls when counted
	counted bool
	until   time.Time
}

// Table holds the live faults. The zero value is ready; Now is the clock
// (nil: time.Now).
type Table struct {
	Now func() time.Time

	mu     sync.Mutex
	faults []*Fault
}

func (t *Table) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

// Take returns the fault that applies to a call touching workspace, using
// up one of its counted calls. Expired and used-up faults are dropped.
func (t *Table) Take(workspace string) (Fault, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	live := t.faults[:0]
	var hit *Fault
	for _, f := range t.faults {
		if (f.counted && f.count <= 0) || (!f.until.IsZero() && now.After(f.until)) {
			continue
		}
		live = append(live, f)
		if hit == nil && (f.Workspace == "" || f.Workspace == workspace) {
			hit = f
		}
	}
	t.faults = live
	if hit == nil {
		return Fault{}, false
	}
	if hit.counted {
		hit.count--
	}
	return *hit, true
}

// Apply is Take for a call being served: it takes the fault that applies
// to workspace, waits out its latency (until ctx ends) and reports whether
// the call must fail instead of being served. When it must, f.Status is
// the status to answer with: the injected one, or 503 when ctx ended
// during the latency (the caller has gone; what is written is for the
// request log). The platform answers in its own error shape, with
// SetRetryAfter's header.
func (t *Table) Apply(ctx context.Context, workspace string) (f Fault, fail bool) {
	f, ok := t.Take(workspace)
	if !ok {
		return Fault{}, false
	}
	if f.Latency > 0 {
		timer := time.NewTimer(f.Latency)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			return Fault{Workspace: f.Workspace, Status: http.StatusServiceUnavailable}, true
		}
	}
	return f, f.Status != 0
}

// SetRetryAfter puts the Retry-After header every platform sends with an
// injected 429 (SANDBOX.md); other statuses get none.
func (f Fault) SetRetryAfter(h http.Header) {
	if f.Status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
}

// Clear removes every fault.
func (t *Table) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = nil
}

// maxBody caps a fault request.
const maxBody = 64 << 10

// Add parses a fault request strictly and adds it. Its errors are for the
// person who wrote the request.
func (t *Table) Add(body io.Reader) error {
	var req struct {
		Workspace  string `json:"workspace"`
		Status     int    `json:"status"`
		RetryAfter int    `json:"retry_after"`
		Count      int    `json:"count"`
		Seconds    int    `json:"seconds"`
		LatencyMS  int    `json:"latency_ms"`
	}
	dec := json.NewDecoder(io.LimitReader(body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	switch {
	case req.Status != 0 && (req.Status < 400 || req.Status > 599):
		return errors.New("status must be 0 or 400..599")
	case req.RetryAfter < 0 || req.Count < 0 || req.Seconds < 0 || req.LatencyMS < 0 || req.LatencyMS > 600000:
		return errors.New("negative or too large value")
	case req.Status == 0 && req.LatencyMS == 0:
		return errors.New("status or latency_ms required")
	}
	if req.Status == http.StatusTooManyRequests && req.RetryAfter == 0 {
		req.RetryAfter = 1
	}
	f := &Fault{
		Workspace: req.Workspace, Status: req.Status, RetryAfter: req.RetryAfter,
		Latency: time.Duration(req.LatencyMS) * time.Millisecond, count: req.Count, counted: req.Count > 0,
	}
	if req.Seconds > 0 {
		f.until = t.now().Add(time.Duration(req.Seconds) * time.Second)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = append(t.faults, f)
	return nil
}

// ServeHTTP is {control_url}faults: POST adds, DELETE clears. Answers are
// {"ok":true} or {"ok":false,"error":"…"} with 400.
func (t *Table) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodPost:
		if err := t.Add(r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": err.Error()})
			return
		}
	case http.MethodDelete:
		t.Clear()
	default:
		w.Header().Set("Allow", "POST, DELETE")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "use POST or DELETE"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true})
}
