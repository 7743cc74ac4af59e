package teams

import (
	"sync"
	"time"
)

// cache is a bounded in-memory map whose entries expire. It holds only
// what may live in memory (directory answers, reaction state): nothing in
// it is ever written anywhere. When full, expired entries go first, then
// the entry closest to expiry.
type cache[K comparable, V any] struct {
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

func newCache[K comparable, V any](ttl time.Duration, size int, now func() time.Time) *cache[K, V] {
	return &cache[K, V]{ttl: ttl, size: size, now: now, m: make(map[K]cacheEntry[V])}
}

func (c *cache[K, V]) get(k K) (V, bool) {
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

func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.size {
		c.evict(now)
	}
	c.m[k] = cacheEntry[V]{v: v, expires: now.Add(c.ttl)}
}

func (c *cache[K, V]) del(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// evict makes room for one entry in O(n), fine for a few thousand entries.
func (c *cache[K, V]) evict(now time.Time) {
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
