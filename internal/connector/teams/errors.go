package teams

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"parley/internal/connector"
)

// defaultRetryAfter is used on a 429 without Retry-After: Teams' tightest
// window is per second (7 sends/s per conversation), so a second usually
// clears it.
const defaultRetryAfter = time.Second

// errForbiddenStatus marks an ErrAuth that came from a 403 (a permission
// the app lacks) rather than a 401 (credentials refused), for callers that
// can do without the permission.
var errForbiddenStatus = errors.New("")

// resourceRefusals are 403 codes about one conversation or message (the
// bot was removed from a team, the message is someone else's) rather than
// the app's credentials: marking the whole tenant unhealthy for them would
// stop every other channel.
var resourceRefusals = map[string]bool{
	"BotNotInConversationRoster": true, "ConversationBlockedByUser": true, "Forbidden": true,
}

// mapStatus turns a failed response into the connector sentinels, with op
// as context. The body is read only for the platform's error code, never
// logged whole: it can echo content.
func mapStatus(op string, resp *http.Response) error {
	code := errorCode(resp)
	detail := fmt.Sprintf("status %d", resp.StatusCode)
	if code != "" {
		detail += " " + code
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		return fmt.Errorf("teams %s: %w", op, &connector.RateLimitError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"))})
	case s == http.StatusForbidden && resourceRefusals[code]:
		// The app is fine; this one conversation or message is not ours
		// to act on.
		return fmt.Errorf("teams %s: %s: %w", op, detail, connector.ErrPermanent)
	case s == http.StatusUnauthorized:
		return fmt.Errorf("teams %s: %s: %w", op, detail, connector.ErrAuth)
	case s == http.StatusForbidden:
		return fmt.Errorf("teams %s: %s: %w%w", op, detail, connector.ErrAuth, errForbiddenStatus)
	case s == http.StatusNotFound || s == http.StatusGone:
		return fmt.Errorf("teams %s: %s: %w", op, detail, connector.ErrNotFound)
	case s == http.StatusPreconditionFailed || s == http.StatusRequestTimeout || s >= 500:
		// Teams asks bots to retry 412, 502 and 504 with backoff; every
		// 5xx is worth another try.
		return fmt.Errorf("teams %s: %s", op, detail)
	case s == http.StatusBadRequest && (code == "invalid_client" || code == "unauthorized_client" || code == "invalid_grant"):
		return fmt.Errorf("teams %s: %s: %w", op, detail, connector.ErrAuth)
	default:
		// 400, 413 MessageSizeTooBig and other refusals: the same request
		// will be refused again.
		return fmt.Errorf("teams %s: %s: %w", op, detail, connector.ErrPermanent)
	}
}

// errorCode reads the error code from the three shapes in use: Bot
// Connector {"error":{"code"}}, Graph (the same), and OAuth {"error":"…"}.
func errorCode(resp *http.Response) string {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil || len(b) == 0 {
		return ""
	}
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &v) != nil || len(v.Error) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil {
		return safeCode(s)
	}
	var o struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(v.Error, &o) == nil {
		return safeCode(o.Code)
	}
	return ""
}

// safeCode keeps an error code only when it looks like one, so nothing
// else from a response body reaches an error message or a log.
func safeCode(s string) string {
	if len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return ""
		}
	}
	return s
}

// retryAfter reads a Retry-After in seconds or as an HTTP date.
func retryAfter(h string) time.Duration {
	if h == "" {
		return defaultRetryAfter
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return 0
	}
	return defaultRetryAfter
}
