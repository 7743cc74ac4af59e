package conformance

import (
	"context"
	"sync"

	"parley/internal/connector"
	"parley/internal/core"
)

// Recorder is an in-memory connector.Sink: it records accepted events and
// the delivery IDs seen, so tests can look at what a Handler delivered.
// It is safe for concurrent use.
type Recorder struct {
	mu         sync.Mutex
	events     []core.Event
	seen       map[core.EventID]bool
	failAccept error
}

var _ connector.Sink = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{seen: make(map[core.EventID]bool)}
}

// Accept records ev, or returns the error set with FailAccept.
func (r *Recorder) Accept(_ context.Context, ev core.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failAccept != nil {
		return r.failAccept
	}
	r.events = append(r.events, ev)
	return nil
}

// FirstSeen reports whether id is new, and records it.
func (r *Recorder) FirstSeen(_ context.Context, p core.Platform, id core.EventID) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := core.EventID(string(p) + "/" + string(id))
	if r.seen[key] {
		return false, nil
	}
	r.seen[key] = true
	return true, nil
}

// Forget undoes FirstSeen for id.
func (r *Recorder) Forget(_ context.Context, p core.Platform, id core.EventID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.seen, core.EventID(string(p)+"/"+string(id)))
	return nil
}

// FailAccept makes Accept return err from now on (nil restores it), to
// test how a handler answers when events cannot be queued.
func (r *Recorder) FailAccept(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failAccept = err
}

// Events returns a copy of the events accepted so far, in order.
func (r *Recorder) Events() []core.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]core.Event(nil), r.events...)
}

// Seen reports whether a delivery ID was recorded by FirstSeen.
func (r *Recorder) Seen(p core.Platform, id core.EventID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[core.EventID(string(p)+"/"+string(id))]
}
