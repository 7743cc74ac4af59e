package slack

import (
	"context"
	"testing"
	"time"
)

// TestPacerKeepsChannelsApart: a channel past its burst waits; another
// channel does not.
func TestPacerKeepsChannelsApart(t *testing.T) {
	var p pacer
	ctx := context.Background()
	for range postBurst {
		if err := p.wait(ctx, "C1"); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := p.wait(ctx, "C2"); err != nil || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("another channel was held: %v after %s", err, time.Since(start))
	}
	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := p.wait(ctx, "C1"); err == nil {
		t.Fatal("a channel past its burst did not wait")
	}
}
