package slack

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/retry"
)

// Slack allows chat.postMessage about once per second per channel, with
// short bursts (docs.slack.dev/apis/web-api/rate-limits). Pacing to that
// locally means a busy channel waits here instead of collecting 429s.
const (
	postsPerSecond = 1
	postBurst      = 20
	// maxPaceWait: a longer wait goes back to delivery as a rate limit, so
	// the lane's deadline and the workspace's other lanes stay in charge.
	maxPaceWait = 30 * time.Second
)

// pacer holds one token bucket per channel, created on first use.
type pacer struct {
	mu      sync.Mutex
	buckets map[core.ChannelID]*rate.Limiter
}

func (p *pacer) wait(ctx context.Context, ch core.ChannelID) error {
	p.mu.Lock()
	if p.buckets == nil {
		p.buckets = map[core.ChannelID]*rate.Limiter{}
	}
	lim := p.buckets[ch]
	if lim == nil {
		lim = rate.NewLimiter(postsPerSecond, postBurst)
		p.buckets[ch] = lim
	}
	p.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > maxPaceWait {
		r.Cancel()
		return fmt.Errorf("slack: pacing channel posts: %w", &connector.RateLimitError{RetryAfter: d})
	} else if err := retry.Sleep(ctx, d); err != nil {
		r.Cancel()
		return err
	}
	return nil
}
