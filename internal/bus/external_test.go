package bus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// externalURL returns the NATS server to test scale-out mode against, or
// skips when none is reachable. PARLEY_TEST_NATS_URL overrides the address.
func externalURL(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("PARLEY_TEST_NATS_URL")
	if raw == "" {
		raw = "nats://127.0.0.1:4222"
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("PARLEY_TEST_NATS_URL: %v", err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		t.Skipf("NATS not reachable at %s: %v", u.Host, err)
	}
	_ = conn.Close()
	return raw
}

// Scale-out mode runs the same code against a shared server; a stream of
// its own per run keeps parallel runs apart, and is deleted afterwards.
func TestExternalNATS(t *testing.T) {
	u := externalURL(t)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	stream := "PARLEY_TEST_" + hex.EncodeToString(suffix)
	b := open(t, Options{URL: u, Stream: stream, AckWait: time.Second})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.js.DeleteStream(ctx, stream); err != nil {
			t.Errorf("delete test stream %s: %v", stream, err)
		}
	})

	first := msg(1)
	dup := first
	dup.Data = []byte("retry")
	publish(t, b, first, dup, msg(2), msg(3))
	waitPending(t, b, 3)

	c := consume(t, b, true)
	got := c.waitCount(t, 3)
	waitPending(t, b, 0)
	for i, d := range got {
		want := msg(i + 1)
		if d.ID != want.ID || string(d.Data) != string(want.Data) || d.Tenant != want.Tenant || d.Lane != want.Lane {
			t.Errorf("delivery %d = %+v, want %+v", i, d, want)
		}
	}
}
