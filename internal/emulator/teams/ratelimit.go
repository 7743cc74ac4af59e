package teams

import (
	"math"
	"sync"
	"time"
)

// window is a sliding-window limit: at most n calls in any span of per.
type window struct {
	n   int
	per time.Duration
}

// Teams' published per-bot, per-conversation limits (msteams-docs
// rate-limit.md).
var (
	sendLimits = []window{{7, time.Second}, {8, 2 * time.Second}, {60, 30 * time.Second}, {1800, time.Hour}}
	readLimits = []window{{14, time.Second}, {16, 2 * time.Second}, {120, 30 * time.Second}, {3600, time.Hour}}
	// graphLimits apply per token. Graph's Teams limits vary by API and are
	// not all published; these are generous enough for scripts and tight
	// enough that a flood is answered 429 with Retry-After.
	graphLimits = []window{{50, time.Second}, {1500, time.Minute}}
)

// maxLimiterKeys bounds the limiter's memory; keys include client-chosen
// conversation IDs.
const maxLimiterKeys = 10000

type limiter struct {
	now  func() time.Time
	mu   sync.Mutex
	hits map[string][]time.Time // oldest first, within the longest window
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, hits: map[string][]time.Time{}}
}

// allow records a call under key if every window has room. When limited
// it returns the whole seconds until the call would be allowed (at least
// 1), for Retry-After.
func (l *limiter) allow(key string, limits []window) (retryAfter int, limited bool) {
	now := l.now()
	longest := limits[len(limits)-1].per
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	i := 0
	for i < len(h) && now.Sub(h[i]) >= longest {
		i++
	}
	h = h[i:]
	var wait time.Duration
	for _, w := range limits {
		// The calls inside this window are a suffix of h.
		start := len(h)
		for start > 0 && now.Sub(h[start-1]) < w.per {
			start--
		}
		if len(h)-start >= w.n {
			// The call is allowed once the oldest of the last n leaves.
			if d := h[len(h)-w.n].Add(w.per).Sub(now); d > wait {
				wait = d
			}
		}
	}
	if wait > 0 {
		l.hits[key] = h
		return max(1, int(math.Ceil(wait.Seconds()))), true
	}
	if _, ok := l.hits[key]; !ok && len(l.hits) >= maxLimiterKeys {
		l.prune(now)
	}
	l.hits[key] = append(h, now)
	return 0, false
}

// prune drops keys with no call in the last hour, or everything if that
// is not enough.
func (l *limiter) prune(now time.Time) {
	for k, h := range l.hits {
		if len(h) == 0 || now.Sub(h[len(h)-1]) > time.Hour {
			delete(l.hits, k)
		}
	}
	if len(l.hits) >= maxLimiterKeys {
		clear(l.hits)
	}
}
