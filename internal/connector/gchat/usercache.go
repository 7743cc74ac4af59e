package gchat

import (
	"strings"
	"sync"
	"time"

	"parley/internal/core"
)

// userCache keeps directory answers in memory only (they are personal
// data), for a TTL and up to a size bound. When full, expired entries go
// first, then the entry closest to expiry.
type userCache struct {
	ttl  time.Duration
	size int
	now  func() time.Time

	mu    sync.Mutex
	byKey map[string]cachedUser
}

type cachedUser struct {
	author  core.Author
	expires time.Time
}

func newUserCache(ttl time.Duration, size int, now func() time.Time) *userCache {
	return &userCache{ttl: ttl, size: size, now: now, byKey: make(map[string]cachedUser)}
}

// Keys are prefixed so that an ID can never collide with an email.
func idKey(id core.UserID) string { return "id:" + string(id) }
func emailKey(e string) string    { return "email:" + strings.ToLower(e) }

func (c *userCache) get(key string) (core.Author, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return core.Author{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.byKey, key)
		return core.Author{}, false
	}
	return e.author, true
}

func (c *userCache) put(key string, a core.Author) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, ok := c.byKey[key]; !ok && len(c.byKey) >= c.size {
		c.evict(now)
	}
	c.byKey[key] = cachedUser{author: a, expires: now.Add(c.ttl)}
}

// evict makes room for one entry. It is O(n), which is fine for a bound of a
// few thousand entries and a miss that costs an API call anyway.
func (c *userCache) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, e := range c.byKey {
		if !now.Before(e.expires) {
			delete(c.byKey, k)
			continue
		}
		if oldest == "" || e.expires.Before(oldestAt) {
			oldest, oldestAt = k, e.expires
		}
	}
	if len(c.byKey) >= c.size && oldest != "" {
		delete(c.byKey, oldest)
	}
}
