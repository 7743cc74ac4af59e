package slack

import (
	"fmt"
	"testing"
	"time"

	"parley/internal/core"
)

func TestUserCache(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	ann := core.Author{ID: "U1", Name: "Ann"}

	t.Run("hit before ttl, miss after", func(t *testing.T) {
		c := newUserCache(time.Minute, 10, clock)
		c.put(idKey("U1"), ann)
		if got, ok := c.get(idKey("U1")); !ok || got != ann {
			t.Fatalf("get = %+v, %v", got, ok)
		}
		now = now.Add(time.Minute)
		if _, ok := c.get(idKey("U1")); ok {
			t.Fatal("expired entry returned")
		}
	})
	t.Run("emails are case-insensitive and distinct from ids", func(t *testing.T) {
		c := newUserCache(time.Minute, 10, clock)
		c.put(emailKey("Ann@Example.com"), ann)
		if _, ok := c.get(emailKey("ann@example.COM")); !ok {
			t.Fatal("email lookup missed")
		}
		if _, ok := c.get(idKey("ann@example.com")); ok {
			t.Fatal("an email key answered an id lookup")
		}
	})
	t.Run("size bound evicts the entry closest to expiry", func(t *testing.T) {
		c := newUserCache(time.Minute, 3, clock)
		for i := range 5 {
			now = now.Add(time.Second)
			c.put(idKey(core.UserID(fmt.Sprint(i))), ann)
		}
		if n := len(c.byKey); n != 3 {
			t.Fatalf("cache holds %d entries, want 3", n)
		}
		for i, want := range []bool{false, false, true, true, true} {
			if _, ok := c.get(idKey(core.UserID(fmt.Sprint(i)))); ok != want {
				t.Fatalf("entry %d present = %v, want %v", i, ok, want)
			}
		}
	})
}
