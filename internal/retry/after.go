package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxAfter bounds any Retry-After honoured. A garbled or hostile header
// must not park a delivery lane (and, through the breaker, every lane to
// the workspace) for days; no platform Parley speaks asks for more than
// minutes.
const MaxAfter = time.Hour

// After returns the wait h's Retry-After asks for, read at now, or
// fallback — the platform's own default — when h names none or none that
// can be read.
func After(h http.Header, fallback time.Duration, now time.Time) time.Duration {
	if h == nil {
		return fallback
	}
	if d, ok := ParseAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	return fallback
}

// ParseAfter reads a Retry-After value (RFC 9110 §10.2.3): a number of
// seconds, or an HTTP date, which is read against now. It reports false
// for an empty or unreadable value. A date in the past is a wait of zero;
// every wait is at most MaxAfter.
func ParseAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if digits(v) {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s > int64(MaxAfter/time.Second) {
			// All digits and out of range: a very long wait, capped.
			return MaxAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return Bound(t.Sub(now)), true
}

// Bound returns d within [0, MaxAfter], for waits a platform's own client
// library has already read.
func Bound(d time.Duration) time.Duration {
	return min(max(d, 0), MaxAfter)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
