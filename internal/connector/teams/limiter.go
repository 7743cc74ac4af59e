package teams

import (
	"context"
	"sync"
	"time"

	"parley/internal/retry"
)

// sendWindows are Teams' documented limits on a bot's writes to one
// conversation (msteams-docs bots/how-to/rate-limit.md). Pacing within all
// of them avoids 429s instead of recovering from them.
var sendWindows = []struct {
	d time.Duration
	n int
}{
	{time.Second, 7}, {2 * time.Second, 8}, {30 * time.Second, 60}, {time.Hour, 1800},
}

const (
	// limiterMargin keeps clear of the window's edge, since clocks and
	// Teams' counting differ by a few milliseconds.
	limiterMargin = 20 * time.Millisecond
	// limiterConvs bounds the number of conversations tracked.
	limiterConvs = 10000
)

// limiter paces the bot's writes per conversation: each write takes the
// earliest slot, after every earlier one, that keeps every window within
// its limit.
type limiter struct {
	now func() time.Time

	mu    sync.Mutex
	slots map[string][]time.Time // per conversation, ascending, the last hour
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, slots: make(map[string][]time.Time)}
}

// wait blocks until a write to conv may go, or ctx ends. The slot stays
// taken even if ctx ends first: the write may be retried into it.
func (l *limiter) wait(ctx context.Context, conv string) error {
	at, now := l.reserve(conv)
	return retry.Sleep(ctx, at.Sub(now))
}

func (l *limiter) reserve(conv string) (at, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now = l.now()
	longest := sendWindows[len(sendWindows)-1].d
	if len(l.slots) >= limiterConvs {
		for k, s := range l.slots {
			if len(s) == 0 || now.Sub(s[len(s)-1]) > longest {
				delete(l.slots, k)
			}
		}
	}
	s := l.slots[conv]
	for len(s) > 0 && now.Sub(s[0]) > longest {
		s = s[1:]
	}
	at = now
	if len(s) > 0 && s[len(s)-1].After(at) {
		at = s[len(s)-1]
	}
	for _, w := range sendWindows {
		if len(s) >= w.n {
			// The n-th latest write must have left the window.
			if free := s[len(s)-w.n].Add(w.d + limiterMargin); free.After(at) {
				at = free
			}
		}
	}
	l.slots[conv] = append(s, at)
	return at, now
}
