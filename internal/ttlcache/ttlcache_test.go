package ttlcache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	t.Run("expiry", func(t *testing.T) {
		c := New[string, int](time.Minute, 10, clock)
		c.Put("a", 1)
		if v, ok := c.Get("a"); !ok || v != 1 {
			t.Fatalf("Get = %d, %v", v, ok)
		}
		now = now.Add(time.Minute)
		if _, ok := c.Get("a"); ok {
			t.Fatal("expired entry returned")
		}
	})
	t.Run("size bound evicts the entry closest to expiry", func(t *testing.T) {
		c := New[int, int](time.Hour, 3, clock)
		for i := range 3 {
			c.Put(i, i)
			now = now.Add(time.Second)
		}
		c.Put(3, 3) // evicts 0, the oldest
		for i, want := range []bool{false, true, true, true} {
			if _, ok := c.Get(i); ok != want {
				t.Errorf("entry %d present = %v, want %v", i, ok, want)
			}
		}
	})
	t.Run("delete", func(t *testing.T) {
		c := New[string, int](time.Hour, 3, clock)
		c.Put("a", 1)
		c.Delete("a")
		if _, ok := c.Get("a"); ok {
			t.Fatal("deleted entry returned")
		}
	})
}
