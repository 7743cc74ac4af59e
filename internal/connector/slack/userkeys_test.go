package slack

import (
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/ttlcache"
)

// TestUserKeys: the cache keys for people keep IDs and emails apart and
// emails case-insensitive.
func TestUserKeys(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	ann := core.Author{ID: "U1", Name: "Ann"}

	t.Run("hit before ttl, miss after", func(t *testing.T) {
		c := ttlcache.New[string, core.Author](time.Minute, 10, clock)
		c.Put(idKey("U1"), ann)
		if got, ok := c.Get(idKey("U1")); !ok || got != ann {
			t.Fatalf("get = %+v, %v", got, ok)
		}
		now = now.Add(time.Minute)
		if _, ok := c.Get(idKey("U1")); ok {
			t.Fatal("expired entry returned")
		}
	})
	t.Run("emails are case-insensitive and distinct from ids", func(t *testing.T) {
		c := ttlcache.New[string, core.Author](time.Minute, 10, clock)
		c.Put(emailKey("Ann@Example.com"), ann)
		if _, ok := c.Get(emailKey("ann@example.COM")); !ok {
			t.Fatal("email lookup missed")
		}
		if _, ok := c.Get(idKey("ann@example.com")); ok {
			t.Fatal("an email key answered an id lookup")
		}
	})
}
