package gchat

import (
	"math"
	"sync"
	"time"
)

// Chat's published limits (developers.google.com/workspace/chat/limits):
// writes per space, shared by every caller, 60 per minute; message writes
// per project 3000 per minute. Google counts in fixed windows; a token
// bucket with a burst is the closest continuous model and lets ordinary
// chatter through while a flood is answered 429.
const (
	spaceWritesPerSec = 1.0
	spaceWriteBurst   = 30
	projectWritesPer  = 50.0 // 3000 per minute
	projectWriteBurst = 3000
)

// maxBuckets bounds the limiter's memory; keys include path strings, so
// the table is pruned when it grows past this.
const maxBuckets = 10000

type bucket struct {
	tokens float64
	last   time.Time
}

type rateLimiter struct {
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, buckets: map[string]*bucket{}}
}

// allowWrite takes one write from the space's bucket and, for app auth,
// the project's; it reports false (429) if either is empty. A call refused
// by one bucket does not use up the other.
func (l *rateLimiter) allowWrite(space, project string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	sb := l.get("space|"+space, spaceWriteBurst, spaceWritesPerSec, now)
	var pb *bucket
	if project != "" {
		pb = l.get("project|"+project, projectWriteBurst, projectWritesPer, now)
	}
	if sb.tokens < 1 || (pb != nil && pb.tokens < 1) {
		return false
	}
	sb.tokens--
	if pb != nil {
		pb.tokens--
	}
	return true
}

func (l *rateLimiter) get(key string, burst, rate float64, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(burst, b.tokens+elapsed*rate)
		b.last = now
	}
	return b
}

// prune drops buckets that have surely refilled.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > time.Hour {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}
