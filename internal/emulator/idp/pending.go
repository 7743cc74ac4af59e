package idp

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Pending holds authorize requests between showing the chooser and the
// person's answer. The ID in the form is 128 random bits and single-use,
// so a form cannot be replayed or forged for another request.
type Pending[T any] struct {
	// Now is the emulator's clock; TTL is how long a page stays valid.
	Now func() time.Time
	TTL time.Duration

	mu sync.Mutex
	m  map[string]pendingEntry[T]
}

type pendingEntry[T any] struct {
	v       T
	expires time.Time
}

// maxPending bounds memory if a client opens authorize pages in a loop.
const maxPending = 10000

// Put stores v and returns its ID.
func (p *Pending[T]) Put(v T) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.Now()
	if p.m == nil {
		p.m = map[string]pendingEntry[T]{}
	}
	if len(p.m) >= maxPending {
		for k, e := range p.m {
			if now.After(e.expires) || len(p.m) >= maxPending {
				delete(p.m, k)
			}
		}
	}
	id := RandomToken(16)
	p.m[id] = pendingEntry[T]{v: v, expires: now.Add(p.TTL)}
	return id
}

// Take returns and forgets the request with id, if it is live.
func (p *Pending[T]) Take(id string) (T, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[id]
	delete(p.m, id)
	if !ok || p.Now().After(e.expires) {
		var zero T
		return zero, false
	}
	return e.v, true
}

// RandomToken returns n random bytes, base64url without padding.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
