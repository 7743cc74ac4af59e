package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/redact"
)

// maxAPIResponse caps a Web API answer we decode ourselves.
const maxAPIResponse = 4 << 20

// maxRetryAfter bounds a Retry-After we honour, in seconds, so that a
// garbled header cannot park a delivery lane for years.
const maxRetryAfter = 3600

// apiResult is the part of every Web API answer that says whether it worked.
type apiResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

func (r apiResult) err() error {
	if r.OK {
		return nil
	}
	if r.Error == "" {
		return slackError{code: "unknown_error"}
	}
	return slackError{code: r.Error}
}

// call posts a form to a Web API method, for the few calls whose answer
// slack-go does not fully expose. The token travels in the Authorization
// header only. out must embed apiResult.
func (c *Client) call(ctx context.Context, method string, form url.Values, out interface{ err() error }) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiURL+method, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	resp, err := c.http.Do(req)
	if err != nil {
		return redact.Error(err)
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		return err
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAPIResponse)).Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return out.err()
}

// statusError turns a non-200 answer into the same error types slack-go
// returns, so that mapError handles both alike.
func statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.ParseInt(resp.Header.Get("Retry-After"), 10, 64); err == nil && s >= 0 {
			s = min(s, maxRetryAfter)
			return &slack.RateLimitedError{RetryAfter: time.Duration(s) * time.Second}
		}
	}
	return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
}
