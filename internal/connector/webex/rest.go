package webex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parley/internal/connector"
	"parley/internal/redact"
	"parley/internal/secret"
)

// maxAPIResponse caps a JSON answer from Webex.
const maxAPIResponse = 4 << 20

// defaultRetryAfter is used for a 429 without a usable Retry-After.
const defaultRetryAfter = 30 * time.Second

// rest calls the Webex REST API with one token.
type rest struct {
	http  *http.Client
	base  *url.URL
	token secret.Secret
}

// call sends a JSON request (body may be nil) to path under the API base
// and decodes a JSON answer into out (may be nil). op names the call in
// errors.
func (r *rest) call(ctx context.Context, op, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("webex %s: encode: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	p, query, _ := strings.Cut(path, "?")
	u := r.base.JoinPath(p)
	u.RawQuery = query
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("webex %s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return r.do(op, req, out)
}

// do sends req with the bearer token and maps the answer.
func (r *rest) do(op string, req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+r.token.Reveal())
	req.Header.Set("Accept", "application/json")
	res, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("webex %s: %w", op, redact.Error(err))
	}
	defer res.Body.Close()
	if err := statusError(op, res); err != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxAPIResponse))
		return err
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxAPIResponse))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, maxAPIResponse)).Decode(out); err != nil {
		return fmt.Errorf("webex %s: decode answer: %w", op, err)
	}
	return nil
}

// statusError maps a non-2xx answer into the connector sentinels. 5xx and
// other failures stay retryable as plain errors.
func statusError(op string, res *http.Response) error {
	code := res.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusTooManyRequests:
		wait := defaultRetryAfter
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
			wait = time.Duration(s) * time.Second
		}
		return fmt.Errorf("webex %s: %w", op, &connector.RateLimitError{RetryAfter: wait})
	case code == http.StatusUnauthorized:
		return fmt.Errorf("webex %s: status %d: %w", op, code, connector.ErrAuth)
	case code == http.StatusNotFound || code == http.StatusGone:
		return fmt.Errorf("webex %s: status %d: %w", op, code, connector.ErrNotFound)
	case code >= 400 && code < 500:
		return fmt.Errorf("webex %s: status %d: %w", op, code, connector.ErrPermanent)
	default:
		return fmt.Errorf("webex %s: status %d", op, code)
	}
}

// sameHost reports whether u is on the API's scheme and host, the only
// place the token may be sent.
func (r *rest) sameHost(u *url.URL) bool {
	return u.Scheme == r.base.Scheme && u.Host == r.base.Host
}
