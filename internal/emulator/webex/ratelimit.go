package webex

import (
	"math"
	"sync"
	"time"
)

// Webex publishes no messaging quota (wire-facts §4.5); the emulator allows
// each token a sustained 600 calls a minute with bursts of 300, enough for
// chats and tests, while a flood is answered 429 with Retry-After.
const (
	ratePerMinute = 600.0
	rateBurst     = 300.0
)

type bucket struct {
	tokens float64
	last   time.Time
}

type rateLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, buckets: map[string]*bucket{}}
}

// allow takes one call from key's bucket, or says how long to wait.
func (l *rateLimiter) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: rateBurst, last: now}
		l.buckets[key] = b
	}
	perSec := ratePerMinute / 60
	b.tokens = math.Min(rateBurst, b.tokens+now.Sub(b.last).Seconds()*perSec)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / perSec * float64(time.Second)), false
}
