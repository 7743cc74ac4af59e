package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"parley/internal/secret"
)

// maxAnswer caps a decoded answer.
const maxAnswer = 4 << 20

// TokenSource gives the bearer token a call carries.
type TokenSource interface {
	Token(ctx context.Context) (secret.Secret, error)
}

// Forgetter is a TokenSource that can drop a token the platform refused
// (a 401), so that the next call gets a fresh one.
type Forgetter interface {
	Forget()
}

// Static is a token that never changes, such as a bot token.
func Static(tok secret.Secret) TokenSource { return static{tok} }

// static embeds the secret, so that it prints as redacted.
type static struct{ secret.Secret }

func (s static) Token(context.Context) (secret.Secret, error) { return s.Secret, nil }

// Client makes JSON calls to one platform API with one token. It is safe
// for concurrent use.
type Client struct {
	HTTP  *http.Client
	Rules Rules
	// Token is sent as "Authorization: Bearer"; nil sends none (the
	// HTTP client's transport authenticates).
	Token TokenSource
}

// Call sends body (nil: none) as JSON to url and decodes a JSON answer
// into out (nil: the answer is discarded). op names the call in errors.
func (c *Client) Call(ctx context.Context, op, method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: encode: %w", c.Rules.Platform, op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return c.Rules.SendError(op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	return c.Do(op, req, out)
}

// Do sends req, built by the caller (a form, a streamed upload), with the
// token, maps a refusal through Rules, and decodes a JSON answer into out
// (nil: discarded). An answer that cannot fill out — empty or garbled —
// is a transient error, unless it is a 204, which has no body by design.
func (c *Client) Do(op string, req *http.Request, out any) error {
	if c.Token != nil {
		tok, err := c.Token.Token(req.Context())
		if err != nil {
			return fmt.Errorf("%s %s: %w", c.Rules.Platform, op, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return c.Rules.SendError(op, err)
	}
	defer resp.Body.Close()
	if err := c.Rules.Check(op, resp); err != nil {
		if f, ok := c.Token.(Forgetter); ok && resp.StatusCode == http.StatusUnauthorized {
			f.Forget()
		}
		return err
	}
	body := io.LimitReader(resp.Body, maxAnswer)
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, body)
		return nil
	}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: unreadable answer: %w", c.Rules.Platform, op, err)
	}
	return nil
}
