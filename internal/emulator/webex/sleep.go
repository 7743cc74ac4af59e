package webex

import (
	"context"
	"time"
)

// sleepCtx waits d or until ctx is done; it reports whether d elapsed. It
// is a deliberate delay (retry schedule, injected latency), not a poll.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
