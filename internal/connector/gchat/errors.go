package gchat

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/api/googleapi"

	"parley/internal/connector"
	"parley/internal/egress"
	"parley/internal/redact"
)

// defaultRetryAfter is used when a 429 has no Retry-After: Chat allows
// about one write per second per space.
const defaultRetryAfter = 2 * time.Second

// mapError wraps a Chat API failure into the connector sentinels, with op
// (the API method) as context. 5xx and network errors stay retryable, with
// the URL they quote redacted; a request the egress guard refused is
// permanent.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var rl *rateLimited
	if errors.As(err, &rl) {
		return fmt.Errorf("gchat %s: %w", op, &connector.RateLimitError{RetryAfter: rl.retryAfter})
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		err = redact.Error(err)
		if errors.Is(err, egress.ErrRefused) {
			return fmt.Errorf("gchat %s: %w: %w", op, err, connector.ErrPermanent)
		}
		return fmt.Errorf("gchat %s: %w", op, err)
	}
	switch code := ge.Code; {
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("gchat %s: %w", op, &connector.RateLimitError{RetryAfter: retryAfter(ge.Header)})
	case code == http.StatusUnauthorized:
		return fmt.Errorf("gchat %s: status %d: %w", op, code, connector.ErrAuth)
	case code == http.StatusNotFound:
		return fmt.Errorf("gchat %s: status %d: %w", op, code, connector.ErrNotFound)
	case code >= 400 && code < 500:
		// 400 INVALID_ARGUMENT, 403 PERMISSION_DENIED, 409 ALREADY_EXISTS,
		// 413: the request itself was refused.
		return fmt.Errorf("gchat %s: status %d: %w", op, code, connector.ErrPermanent)
	default:
		return fmt.Errorf("gchat %s: status %d", op, code)
	}
}

func retryAfter(h http.Header) time.Duration {
	if h != nil {
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
	}
	return defaultRetryAfter
}

// isStatus reports whether err is a Chat API error with this status.
func isStatus(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}
