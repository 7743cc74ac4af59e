package gchat

import (
	"sync"
	"time"
)

// recent is a bounded set of strings that expire, for what the connector
// must remember for a while: the messages and reactions it created (echo
// suppression), thread roots. When full, the oldest entry goes.
type recent struct {
	ttl  time.Duration
	size int
	now  func() time.Time

	mu      sync.Mutex
	entries map[string]recentEntry
	order   []string // insertion order, may hold stale keys
}

type recentEntry struct {
	value   string
	expires time.Time
}

func newRecent(ttl time.Duration, size int, now func() time.Time) *recent {
	return &recent{ttl: ttl, size: size, now: now, entries: make(map[string]recentEntry)}
}

func (r *recent) put(key, value string) {
	if key == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.entries[key]; !ok {
		r.order = append(r.order, key)
	}
	r.entries[key] = recentEntry{value: value, expires: r.now().Add(r.ttl)}
	for len(r.entries) > r.size && len(r.order) > 0 {
		delete(r.entries, r.order[0])
		r.order = r.order[1:]
	}
	if len(r.order) > 2*r.size {
		// Compact keys that were evicted or overwritten.
		kept := r.order[:0]
		for _, k := range r.order {
			if _, ok := r.entries[k]; ok {
				kept = append(kept, k)
			}
		}
		r.order = kept
	}
}

func (r *recent) get(key string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[key]
	if !ok {
		return "", false
	}
	if !r.now().Before(e.expires) {
		delete(r.entries, key)
		return "", false
	}
	return e.value, true
}

func (r *recent) has(key string) bool {
	_, ok := r.get(key)
	return ok
}

func (r *recent) remove(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, key)
}
