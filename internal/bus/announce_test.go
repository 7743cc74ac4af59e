package bus

import (
	"testing"
	"time"
)

// TestAnnounceReachesEveryListener: two listeners on one topic both hear
// an announcement, one on another topic does not, and nothing lands in
// the event stream.
func TestAnnounceReachesEveryListener(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	got := make(chan string, 4)
	for _, name := range []string{"a", "b"} {
		stop, err := b.Listen("config", func(d []byte) { got <- name + ":" + string(d) })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	stop, _ := b.Listen("other", func(d []byte) { got <- "other:" + string(d) })
	t.Cleanup(stop)
	if err := b.Announce("config", []byte("x")); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for len(seen) < 2 {
		select {
		case s := <-got:
			seen[s] = true
		case <-deadline:
			t.Fatalf("heard %v", seen)
		}
	}
	if !seen["a:x"] || !seen["b:x"] {
		t.Fatalf("heard %v", seen)
	}
	if n, _ := b.Pending(t.Context()); n != 0 {
		t.Fatalf("an announcement went into the stream: %d pending", n)
	}
	if err := b.Announce("a.b", nil); err == nil {
		t.Fatal("a topic with a dot was accepted")
	}
}
