package slack

import (
	"math"
	"sync"
	"time"
)

// tier is a token bucket: perMinute sustained, burst at once.
type tier struct {
	name      string
	perMinute float64
	burst     float64
}

// Slack's published tiers (docs.slack.dev/apis/web-api/rate-limits) give
// sustained rates "N+ per minute" and allow unspecified bursts; the
// emulator lets a full minute's allowance through at once.
var (
	tier2 = tier{"tier2", 20, 20}
	tier3 = tier{"tier3", 50, 50}
	tier4 = tier{"tier4", 100, 100}
	// postPerChannel is chat.postMessage's special limit: about one
	// message per second per channel with short bursts. The burst of 30
	// lets ordinary chats and tests through while a flood is answered 429.
	postPerChannel = tier{"chat.postMessage", 60, 30}
)

// methodTiers are applied per method, per workspace, per token.
var methodTiers = map[string]tier{
	"auth.test":                    tier4,
	"auth.revoke":                  tier3,
	"chat.postMessage":             postPerChannel, // keyed per channel instead
	"chat.update":                  tier3,
	"chat.delete":                  tier3,
	"chat.getPermalink":            tier4,
	"reactions.add":                tier3,
	"reactions.remove":             tier2,
	"reactions.get":                tier3,
	"conversations.history":        tier3,
	"conversations.replies":        tier3,
	"conversations.info":           tier3,
	"conversations.list":           tier2,
	"conversations.join":           tier3,
	"conversations.members":        tier4,
	"conversations.kick":           tier3,
	"users.info":                   tier4,
	"users.list":                   tier2,
	"users.lookupByEmail":          tier3,
	"files.getUploadURLExternal":   tier4,
	"files.completeUploadExternal": tier4,
	"files.info":                   tier4,
	"oauth.v2.access":              tier4,
	"openid.connect.token":         tier4,
	"openid.connect.userInfo":      tier3,
}

// maxBuckets bounds the limiter's memory; keys include client-chosen
// channel strings, so full buckets (indistinguishable from absent ones) are
// dropped when the table grows past it.
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

// allow takes one call from the right bucket. When limited it returns the
// whole seconds until a call would be allowed (at least 1), for
// Retry-After.
func (l *rateLimiter) allow(method, workspace, tokenKey, channel string) (retryAfter int, limited bool) {
	t, ok := methodTiers[method]
	if !ok {
		return 0, false
	}
	key := method + "|" + workspace + "|" + tokenKey
	if method == "chat.postMessage" {
		key = method + "|" + workspace + "|" + channel
	}
	rate := t.perMinute / 60
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: t.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(t.burst, b.tokens+elapsed*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, false
	}
	wait := int(math.Ceil((1 - b.tokens) / rate))
	return max(wait, 1), true
}

// prune drops buckets that have refilled completely.
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
