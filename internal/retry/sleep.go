package retry

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends, whichever is first; it returns
// ctx.Err() in the second case. A wait of zero or less returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
