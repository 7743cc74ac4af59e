package chaos

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
)

// client calls the platforms' APIs as a person would through their SDKs:
// it honours 429 Retry-After and retries 5xx answers, which is what every
// official client does and what keeps the posting side inside the limits.
type client struct {
	hc *http.Client
}

// maxAttempts bounds one call's retries; a fault lasts seconds, so this is
// far beyond any injected storm.
const maxAttempts = 60

// do sends the request built by mk until it gets a non-retryable answer and
// returns the body of a 2xx answer. mk is called once per attempt because a
// request body can be read only once.
func (c *client) do(ctx context.Context, what string, mk func() (*http.Request, error)) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		req, err := mk()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		resp, err := c.hc.Do(req.WithContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt >= maxAttempts {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			if err := pause(ctx, time.Second); err != nil {
				return nil, err
			}
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		resp.Body.Close()
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: read: %w", what, err)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if attempt >= maxAttempts {
				return nil, fmt.Errorf("%s: still %d after %d attempts", what, resp.StatusCode, attempt)
			}
			wait := 500 * time.Millisecond
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
				wait = time.Duration(s) * time.Second
			}
			if err := pause(ctx, wait); err != nil {
				return nil, err
			}
		case resp.StatusCode >= 300:
			return nil, fmt.Errorf("%s: %d %s", what, resp.StatusCode, snippet(body))
		default:
			return body, nil
		}
	}
}

// pause waits d or until ctx ends: a deliberate back-off, not a poll.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jsonCall sends method path with a JSON body (nil for none) as a bearer
// token holder and decodes a 2xx answer into out (nil to ignore it).
func (c *client) jsonCall(ctx context.Context, token, method, u string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	b, err := c.do(ctx, method+" "+redactQuery(u), func() (*http.Request, error) {
		req, err := http.NewRequest(method, u, bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	})
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode: %w", method, redactQuery(u), err)
	}
	return nil
}

// slackCall calls a Slack Web API method with form arguments. Slack answers
// most errors 200 {"ok":false}; "ratelimited" also comes as 429, handled
// by do.
func (c *client) slackCall(ctx context.Context, apiURL, token, method string, args url.Values, out any) error {
	b, err := c.do(ctx, "slack "+method, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, apiURL+method, strings.NewReader(args.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	})
	if err != nil {
		return err
	}
	var env struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("slack %s: decode: %w", method, err)
	}
	if !env.OK {
		return fmt.Errorf("slack %s: %s", method, env.Error)
	}
	return json.Unmarshal(b, out)
}

// redactQuery drops the query from a URL for error text.
func redactQuery(u string) string {
	s, _, _ := strings.Cut(u, "?")
	return s
}

func snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
