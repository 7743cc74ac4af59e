package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"parley/internal/connector"
	"parley/internal/egress"
	"parley/internal/redact"
)

// maxResponse caps what is read of an API response.
const maxResponse = 4 << 20

// call makes one authenticated JSON request. body, when not nil, is
// encoded as JSON; out, when not nil, receives the decoded answer. A 401
// drops the cached token so that the next attempt fetches a new one.
func (c *Client) call(ctx context.Context, op string, ts *tokenSource, method, u string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("teams %s: encode: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("teams %s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	return c.do(ctx, op, ts, req, out)
}

// do sends req with ts's token and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, op string, ts *tokenSource, req *http.Request, out any) error {
	tok, err := ts.token(ctx)
	if err != nil {
		return fmt.Errorf("teams %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("teams %s: %w", op, requestError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if resp.StatusCode == http.StatusUnauthorized {
			ts.invalidate()
		}
		return mapStatus(op, resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("teams %s: unreadable answer: %w", op, err)
	}
	return nil
}

// requestError is an error from http.Client.Do made fit to show: the URL
// it quotes is redacted (it may hold a file name or a pre-authenticated
// link), and a request the egress guard refused is permanent.
func requestError(err error) error {
	err = redact.Error(err)
	if errors.Is(err, egress.ErrRefused) {
		return fmt.Errorf("%w: %w", err, connector.ErrPermanent)
	}
	return err
}

// connectorURL builds a Bot Connector URL under the tenant's serviceUrl,
// refusing one the bot's token may not go to.
func (c *Client) connectorURL(segments ...string) (string, error) {
	base := c.conn.serviceURL(c.workspace)
	if !c.conn.cfg.allowedService(base) {
		return "", fmt.Errorf("teams: serviceUrl host is not in allowed_service_urls: %w", connector.ErrPermanent)
	}
	return base + joinEscaped(segments), nil
}

// graphURL builds a Graph URL; segments are escaped, query is appended.
func (c *Client) graphURL(query url.Values, segments ...string) string {
	u := c.conn.cfg.GraphURL + joinEscaped(segments)
	if len(query) > 0 {
		u += "?" + strings.ReplaceAll(query.Encode(), "+", "%20")
	}
	return u
}

// joinEscaped escapes each path segment as the Bot Framework SDKs do
// (encodeURIComponent): conversation IDs hold ':', '@', ';' and '='.
func joinEscaped(segments []string) string {
	parts := make([]string, len(segments))
	for i, s := range segments {
		parts[i] = strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	}
	return strings.Join(parts, "/")
}
