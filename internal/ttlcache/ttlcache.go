// Package ttlcache is a bounded in-memory map whose entries expire. It is
// where connectors keep what may live only in memory — directory answers
// (personal data) and short-lived message state — and nothing in it is
// ever written anywhere. When full, expired entries go first, then the
// entry closest to expiry.
package ttlcache

import (
	"sync"
	"time"
)

// Cache holds at most size entries, each for ttl. Safe for concurrent use.
type Cache[K comparable, V any] struct {
	ttl  time.Duration
	size int
	now  func() time.Time

	mu sync.Mutex
	m  map[K]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v       V
	expires time.Time
}

// New returns an empty cache; now is the clock (nil: time.Now).
func New[K comparable, V any](ttl time.Duration, size int, now func() time.Time) *Cache[K, V] {
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{ttl: ttl, size: size, now: now, m: make(map[K]cacheEntry[V])}
}

// Get returns the live entry for k.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !c.now().Before(e.expires) {
		delete(c.m, k)
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v under k for the cache's TTL.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.size {
		c.evict(now)
	}
	c.m[k] = cacheEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// Delete forgets k.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// evict makes room for one entry in O(n), fine for a few thousand entries.
func (c *Cache[K, V]) evict(now time.Time) {
	var oldest K
	var oldestAt time.Time
	found := false
	for k, e := range c.m {
		if !now.Before(e.expires) {
			delete(c.m, k)
			continue
		}
		if !found || e.expires.Before(oldestAt) {
			oldest, oldestAt, found = k, e.expires, true
		}
	}
	if len(c.m) >= c.size && found {
		delete(c.m, oldest)
	}
}
