package delivery

import (
	"context"
	"errors"
	"time"

	"parley/internal/connector"
	"parley/internal/retry"
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
// make one, from connector.Classify. A platform's Retry-After is honoured
// to the second; transient failures back off exponentially with jitter;
// permanent ones stop. Refused credentials are retried like a transient
// failure: the workspace can be reconnected within the delivery's
// time-to-live, and the router reports it unhealthy meanwhile.
func (p Policy) next(err error, try int) (time.Duration, bool) {
	if errors.Is(err, ErrPanicked) {
		return 0, false
	}
	switch connector.Classify(err) {
	case connector.RateLimited:
		var rl *connector.RateLimitError
		errors.As(err, &rl)
		return max(rl.RetryAfter, time.Second), true
	case connector.Permanent:
		return 0, false
	}
	return retry.Backoff{First: p.BaseBackoff, Max: p.MaxBackoff, Jitter: 0.5}.Wait(try), true
}

// Permanent reports whether retrying err cannot help: what
// connector.Classify calls permanent, and a panic.
func Permanent(err error) bool {
	return errors.Is(err, ErrPanicked) || connector.Classify(err) == connector.Permanent
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
