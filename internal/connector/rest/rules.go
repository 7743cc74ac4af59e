package rest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/egress"
	"parley/internal/redact"
	"parley/internal/retry"
)

// maxErrorBody is what is read of an error answer for its code.
const maxErrorBody = 64 << 10

// Rules are one platform's reading of its HTTP answers.
type Rules struct {
	// Platform begins every error, as in "webex messages create: …".
	Platform string
	// RetryAfter is the wait a 429 without a usable Retry-After means.
	RetryAfter time.Duration
	// Code reads the platform's error code from an error answer's body,
	// or returns "". Only a string that looks like a code is kept, so no
	// other text of a body (which may echo content) reaches an error or a
	// log. nil: the platform's codes are not read.
	Code func(body []byte) string
	// Sentinel says what a refusal means, as a connector sentinel to
	// wrap, or nil for a transient failure worth retrying. It is asked
	// for every status but 429 (always a rate limit). nil: the HTTP rule,
	// Sentinel; a platform's rule ends by falling back to it.
	Sentinel func(status int, code string) error
	// Now is the clock a Retry-After date is read against; nil: time.Now.
	Now func() time.Time
}

// Sentinel is HTTP's own reading of a status, the rule every platform's
// Rules.Sentinel falls back to: 401 refused credentials, 404 and 410 gone,
// 408 and every 5xx worth another try, any other 4xx a refusal of the
// request itself that the same request would meet again.
func Sentinel(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return connector.ErrAuth
	case status == http.StatusNotFound || status == http.StatusGone:
		return connector.ErrNotFound
	case status == http.StatusRequestTimeout:
		return nil
	case status >= 400 && status < 500:
		return connector.ErrPermanent
	default:
		return nil
	}
}

// StatusError is a platform's refusal of one call. It wraps the connector
// error the refusal means (a sentinel or a *connector.RateLimitError), if
// any: errors.Is and errors.As see through it, and callers that need the
// platform's own detail (a 403 rather than a 401) read Status and Code.
type StatusError struct {
	Op     string // the platform and the call: "teams send activity"
	Status int
	Code   string // the platform's error code, when it gave one
	err    error
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: status %d", e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *StatusError) Unwrap() error { return e.err }

// Error reads a refusal of op: its status, its header (for a 429's
// Retry-After; may be nil) and its body (may be nil).
func (r Rules) Error(op string, status int, h http.Header, body []byte) error {
	e := &StatusError{Op: r.Platform + " " + op, Status: status}
	if r.Code != nil && len(body) > 0 {
		e.Code = safeCode(r.Code(body))
	}
	switch {
	case status == http.StatusTooManyRequests:
		now := time.Now
		if r.Now != nil {
			now = r.Now
		}
		e.err = &connector.RateLimitError{RetryAfter: retry.After(h, r.RetryAfter, now())}
	case r.Sentinel != nil:
		e.err = r.Sentinel(status, e.Code)
	default:
		e.err = Sentinel(status)
	}
	return e
}

// Check returns nil for a 2xx answer and the error Error makes of any
// other, reading (and so draining) a bounded part of its body.
func (r Rules) Check(op string, resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return r.Error(op, resp.StatusCode, resp.Header, body)
}

// SendError is an error from sending a request (http.Client.Do) made fit
// to show, prefixed with the platform and op: the URL it quotes is
// redacted (it may name a file or carry a pre-signed credential), and a
// request the egress guard refused is permanent, since it will be refused
// again.
func (r Rules) SendError(op string, err error) error {
	return fmt.Errorf("%s %s: %w", r.Platform, op, SendError(err))
}

// SendError is Rules.SendError without the prefix, for a caller that
// adds its own.
func SendError(err error) error {
	err = redact.Error(err)
	if errors.Is(err, egress.ErrRefused) {
		return fmt.Errorf("%w: %w", err, connector.ErrPermanent)
	}
	return err
}

// safeCode keeps an error code only when it looks like one.
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
