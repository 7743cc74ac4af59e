package delivery

import (
	"errors"
	"sync"
	"time"

	"parley/internal/connector"
)

// Breakers pause deliveries to a destination workspace after repeated
// transient failures, so a platform that is down is probed now and then
// instead of being hammered by every lane at once; one success closes it.
type Breakers struct {
	Threshold int           // consecutive failures that open it; default 5
	Cooldown  time.Duration // first pause; doubles while failures go on; default 5s
	MaxPause  time.Duration // default 2m
	Now       func() time.Time

	mu sync.Mutex
	m  map[string]*breaker
}

type breaker struct {
	failures  int
	pause     time.Duration
	openUntil time.Time
}

func (b *Breakers) init() {
	if b.m == nil {
		b.m = map[string]*breaker{}
		if b.Threshold <= 0 {
			b.Threshold = 5
		}
		if b.Cooldown <= 0 {
			b.Cooldown = 5 * time.Second
		}
		if b.MaxPause <= 0 {
			b.MaxPause = 2 * time.Minute
		}
		if b.Now == nil {
			b.Now = time.Now
		}
	}
}

// Wait returns how long a delivery to key must wait before trying.
func (b *Breakers) Wait(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	if br := b.m[key]; br != nil {
		if d := br.openUntil.Sub(b.Now()); d > 0 {
			return d
		}
	}
	return 0
}

// Report records an attempt's outcome. A rate limit holds every lane to
// the workspace until its Retry-After has passed — a platform's limit is
// per workspace (or per app), not per channel, so another channel's lane
// must not call in the meantime. Only transient failures count towards
// opening the breaker: a permanent error says nothing about the platform's
// health.
func (b *Breakers) Report(key string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	var rl *connector.RateLimitError
	switch {
	case err == nil:
		if br := b.m[key]; br != nil && br.failures == 0 && br.openUntil.After(b.Now()) {
			return // a Retry-After still holds
		}
		delete(b.m, key)
		return
	case errors.As(err, &rl):
		br := b.m[key]
		if br == nil {
			br = &breaker{}
			b.m[key] = br
		}
		if until := b.Now().Add(rl.RetryAfter); until.After(br.openUntil) {
			br.openUntil = until
		}
		return
	case Permanent(err):
		return
	}
	br := b.m[key]
	if br == nil {
		br = &breaker{}
		b.m[key] = br
	}
	br.failures++
	if br.failures >= b.Threshold {
		if br.pause == 0 {
			br.pause = b.Cooldown
		} else {
			br.pause = min(2*br.pause, b.MaxPause)
		}
		br.openUntil = b.Now().Add(br.pause)
	}
}

// Open lists the keys whose breaker is open now after failures (a
// Retry-After hold is not a broken destination).
func (b *Breakers) Open() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	var out []string
	for k, br := range b.m {
		if br.failures >= b.Threshold && br.openUntil.After(b.Now()) {
			out = append(out, k)
		}
	}
	return out
}
