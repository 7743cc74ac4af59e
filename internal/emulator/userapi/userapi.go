// Package userapi calls a platform's user-facing API as a person's client
// does through the platform's SDK: it honours 429 Retry-After and retries
// 5xx answers, which every official client does and which keeps scripted
// people inside the platforms' limits. The platforms' sandbox clients
// (platform.Client) are built on it.
package userapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Client calls one platform's API for its people. HTTP verifies TLS (the
// sandbox's CA).
type Client struct {
	HTTP *http.Client
}

// maxAttempts bounds one call's retries; a fault lasts seconds, so this is
// far beyond any injected storm.
const maxAttempts = 60

// Do sends the request built by mk until it gets a non-retryable answer and
// returns the body of a 2xx answer. mk is called once per attempt because a
// request body can be read only once.
func (c *Client) Do(ctx context.Context, what string, mk func() (*http.Request, error)) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		req, err := mk()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		resp, err := c.HTTP.Do(req.WithContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt >= maxAttempts {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			if err := Pause(ctx, time.Second); err != nil {
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
			if err := Pause(ctx, wait); err != nil {
				return nil, err
			}
		case resp.StatusCode >= 300:
			return nil, fmt.Errorf("%s: %d %s", what, resp.StatusCode, snippet(body))
		default:
			return body, nil
		}
	}
}

// Pause waits d or until ctx ends: a deliberate back-off, not a poll.
func Pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// JSON sends method u with a JSON body (nil for none) as a bearer
// token holder and decodes a 2xx answer into out (nil to ignore it).
func (c *Client) JSON(ctx context.Context, token, method, u string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	b, err := c.Do(ctx, method+" "+RedactQuery(u), func() (*http.Request, error) {
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
		return fmt.Errorf("%s %s: decode: %w", method, RedactQuery(u), err)
	}
	return nil
}

// RedactQuery drops the query from a URL for error text.
func RedactQuery(u string) string {
	s, _, _ := strings.Cut(u, "?")
	return s
}

func snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
