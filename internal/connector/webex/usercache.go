package webex

import (
	"sync"
	"time"

	"parley/internal/core"
)

// userCache keeps directory answers in memory only, briefly: they are
// personal data and may change.
type userCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	size    int
	now     func() time.Time
	entries map[string]cached // by "id:" or "email:" key
}

type cached struct {
	author core.Author
	until  time.Time
}

func newUserCache(ttl time.Duration, size int, now func() time.Time) *userCache {
	return &userCache{ttl: ttl, size: size, now: now, entries: map[string]cached{}}
}

func (c *userCache) get(key string) (core.Author, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().After(e.until) {
		delete(c.entries, key)
		return core.Author{}, false
	}
	return e.author, true
}

func (c *userCache) put(key string, a core.Author) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.size {
		// Dropping everything is crude but bounded, and a full cache
		// refills in one round of lookups.
		c.entries = map[string]cached{}
	}
	c.entries[key] = cached{author: a, until: c.now().Add(c.ttl)}
}
