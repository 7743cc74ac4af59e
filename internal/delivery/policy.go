package delivery

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"parley/internal/connector"
)

// Policy says how long to wait between attempts.
type Policy struct {
	BaseBackoff time.Duration // first wait after a transient error; default 200ms
	MaxBackoff  time.Duration // cap; default 30s
}

func (p Policy) withDefaults() Policy {
	if p.BaseBackoff <= 0 {
		p.BaseBackoff = 200 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 30 * time.Second
	}
	return p
}

// next returns how long to wait before the next attempt, and whether to
// make one. A platform's Retry-After is honoured to the second; transient
// failures back off exponentially with full jitter; permanent ones stop.
func (p Policy) next(err error, try int) (time.Duration, bool) {
	var rl *connector.RateLimitError
	switch {
	case errors.As(err, &rl):
		return max(rl.RetryAfter, time.Second), true
	case Permanent(err):
		return 0, false
	}
	ceiling := p.BaseBackoff << min(try, 16)
	if ceiling > p.MaxBackoff || ceiling <= 0 {
		ceiling = p.MaxBackoff
	}
	return ceiling/2 + rand.N(ceiling/2+1), true
}

// Permanent reports whether retrying err cannot help.
func Permanent(err error) bool {
	var unsupported *connector.UnsupportedError
	return errors.Is(err, connector.ErrPermanent) || errors.Is(err, connector.ErrNotFound) ||
		errors.As(err, &unsupported) || errors.Is(err, context.Canceled) || errors.Is(err, ErrPanicked)
}

// Reason is a content-free label for an error, for logs and metrics.
func Reason(err error) string {
	var rl *connector.RateLimitError
	var unsupported *connector.UnsupportedError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrPanicked):
		return "panic"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &unsupported):
		return "unsupported"
	case errors.Is(err, connector.ErrAuth):
		return "auth"
	case errors.Is(err, connector.ErrNotFound):
		return "not_found"
	case errors.Is(err, connector.ErrPermanent):
		return "permanent"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "transient"
	}
}
