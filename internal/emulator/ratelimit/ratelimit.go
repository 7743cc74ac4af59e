// Package ratelimit is the emulators' rate limiting, on the emulator's
// clock so that POST {control_url}clock moves its windows too. The two
// models the platforms publish are here: token buckets (a sustained rate
// with a burst: Slack's tiers, Google Chat's per-space writes, Webex) and
// sliding windows (at most n calls in any span: Teams). A platform keeps
// its own limits and keys and answers a refusal in its own shape, with
// Retry-After from Seconds.
//
// Keys often hold client-chosen strings (a channel, a conversation ID), so
// both limiters bound how many they keep.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// MaxKeys bounds a limiter's memory. Past it, keys whose limits have
// fully recovered (indistinguishable from absent ones) are dropped, and
// if that is not enough, all of them.
const MaxKeys = 10000

// Seconds is the Retry-After value for a wait: whole seconds, rounded up,
// at least 1.
func Seconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// Rate is a token bucket: PerSecond calls sustained, Burst at once.
type Rate struct {
	PerSecond float64
	Burst     float64
}

// PerMinute is a Rate of n calls a minute with the given burst.
func PerMinute(n, burst float64) Rate { return Rate{PerSecond: n / 60, Burst: burst} }

// Key names one bucket and its rate.
type Key struct {
	Name string
	Rate Rate
}

type bucket struct {
	tokens float64
	last   time.Time
	rate   Rate
}

// refill brings b to now. A clock that stepped back refills nothing.
func (b *bucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.rate.Burst, b.tokens+elapsed*b.rate.PerSecond)
		b.last = now
	}
}

// Buckets are token buckets by key. Create them with NewBuckets; they are
// safe for concurrent use.
type Buckets struct {
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

// NewBuckets returns empty buckets on the clock now; a bucket starts full.
func NewBuckets(now func() time.Time) *Buckets {
	return &Buckets{now: now, buckets: map[string]*bucket{}}
}

// Allow takes one call from every key's bucket, or from none: a call
// refused by one bucket does not use up another. When refused it returns
// how long until every bucket would have a call.
func (l *Buckets) Allow(keys ...Key) (wait time.Duration, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	bs := make([]*bucket, len(keys))
	for i, k := range keys {
		b := l.buckets[k.Name]
		if b == nil {
			if len(l.buckets) >= MaxKeys {
				l.prune(now)
			}
			b = &bucket{tokens: k.Rate.Burst, last: now}
			l.buckets[k.Name] = b
		}
		b.rate = k.Rate
		b.refill(now)
		bs[i] = b
		if b.tokens < 1 {
			wait = max(wait, time.Duration((1-b.tokens)/b.rate.PerSecond*float64(time.Second)))
		}
	}
	if wait > 0 {
		return wait, false
	}
	for _, b := range bs {
		b.tokens--
	}
	return 0, true
}

// prune drops full buckets, or every bucket if that is not enough.
func (l *Buckets) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.refill(now); b.tokens >= b.rate.Burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= MaxKeys {
		clear(l.buckets)
	}
}

// Window is a sliding-window limit: at most N calls in any span of Per.
type Window struct {
	N   int
	Per time.Duration
}

type hits struct {
	at      []time.Time // oldest first, within the longest window
	longest time.Duration
}

// Windows are sliding-window limits by key. Create them with NewWindows;
// they are safe for concurrent use.
type Windows struct {
	now func() time.Time

	mu   sync.Mutex
	hits map[string]*hits
}

// NewWindows returns empty windows on the clock now.
func NewWindows(now func() time.Time) *Windows {
	return &Windows{now: now, hits: map[string]*hits{}}
}

// Allow records a call under key if every window in limits has room. When
// refused it returns how long until one would. limits are ordered by
// growing Per.
func (l *Windows) Allow(key string, limits []Window) (wait time.Duration, ok bool) {
	if len(limits) == 0 {
		return 0, true
	}
	now := l.now()
	longest := limits[len(limits)-1].Per
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	if h == nil {
		if len(l.hits) >= MaxKeys {
			l.prune(now)
		}
		h = &hits{}
		l.hits[key] = h
	}
	h.longest = longest
	i := 0
	for i < len(h.at) && now.Sub(h.at[i]) >= longest {
		i++
	}
	h.at = h.at[i:]
	for _, w := range limits {
		// The calls inside this window are a suffix of h.at.
		start := len(h.at)
		for start > 0 && now.Sub(h.at[start-1]) < w.Per {
			start--
		}
		if len(h.at)-start >= w.N {
			// The call is allowed once the oldest of the last N leaves.
			wait = max(wait, h.at[len(h.at)-w.N].Add(w.Per).Sub(now))
		}
	}
	if wait > 0 {
		return wait, false
	}
	h.at = append(h.at, now)
	return 0, true
}

// prune drops keys with no call inside their longest window, or every key
// if that is not enough.
func (l *Windows) prune(now time.Time) {
	for k, h := range l.hits {
		if len(h.at) == 0 || now.Sub(h.at[len(h.at)-1]) >= h.longest {
			delete(l.hits, k)
		}
	}
	if len(l.hits) >= MaxKeys {
		clear(l.hits)
	}
}
