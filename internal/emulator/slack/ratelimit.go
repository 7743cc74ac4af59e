package slack

import (
	"time"

	"parley/internal/emulator/ratelimit"
)

// Slack's published tiers (docs.slack.dev/apis/web-api/rate-limits) give
// sustained rates "N+ per minute" and allow unspecified bursts; the
// emulator lets a full minute's allowance through at once.
var (
	tier2 = ratelimit.PerMinute(20, 20)
	tier3 = ratelimit.PerMinute(50, 50)
	tier4 = ratelimit.PerMinute(100, 100)
	// postPerChannel is chat.postMessage's special limit: about one
	// message per second per channel with short bursts. The burst of 30
	// lets ordinary chats and tests through while a flood is answered 429.
	postPerChannel = ratelimit.PerMinute(60, 30)
)

// methodTiers are applied per method, per workspace, per token.
var methodTiers = map[string]ratelimit.Rate{
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

// allowCall takes one call from the method's bucket: per method, per
// workspace, per token, or for chat.postMessage per channel. When limited
// it returns the wait, for Retry-After.
func (e *Emulator) allowCall(method, workspace, tokenKey, channel string) (wait time.Duration, ok bool) {
	rate, limited := methodTiers[method]
	if !limited {
		return 0, true
	}
	key := method + "|" + workspace + "|" + tokenKey
	if method == "chat.postMessage" {
		key = method + "|" + workspace + "|" + channel
	}
	return e.limits.Allow(ratelimit.Key{Name: key, Rate: rate})
}
