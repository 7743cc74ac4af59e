package conformance

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Test support every connector's emulator tests need: a log sink safe for
// concurrent handlers, a capture of the deliveries an emulator made (to
// replay or tamper with them), and a handler that can be set after its
// server starts.

// LogBuffer is a log sink safe for concurrent writes.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *LogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *LogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Delivery is one inbound request as the platform sent it.
type Delivery struct {
	Body   []byte
	Header http.Header
}

// Capture keeps the deliveries an emulator made.
type Capture struct {
	mu         sync.Mutex
	deliveries []Delivery
}

// Wrap records each request (up to 2 MiB of body) before next handles it.
func (c *Capture) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 2<<20))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.deliveries = append(c.deliveries, Delivery{Body: body, Header: r.Header.Clone()})
		c.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// Find returns a delivery whose body contains s.
func (c *Capture) Find(s string) (Delivery, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.deliveries {
		if bytes.Contains(d.Body, []byte(s)) {
			return d, true
		}
	}
	return Delivery{}, false
}

// All returns every delivery so far.
func (c *Capture) All() []Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Delivery(nil), c.deliveries...)
}

// LateHandler lets an app server start before the connector it serves
// exists: the connector needs the emulator's URL, and the emulator needs a
// client that trusts the app server. Until Set it answers 503.
type LateHandler struct {
	mu sync.RWMutex
	h  http.Handler
}

// Set installs the handler.
func (l *LateHandler) Set(h http.Handler) {
	l.mu.Lock()
	l.h = h
	l.mu.Unlock()
}

func (l *LateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.RLock()
	h := l.h
	l.mu.RUnlock()
	if h == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}
