package slack

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

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
// slack-go does not fully expose, and returns its failure mapped as
// mapError does. The token travels in the Authorization header only. out
// must embed apiResult.
func (c *Client) call(ctx context.Context, method string, form url.Values, out interface{ err() error }) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiURL+method, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("slack %s: build request: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := c.web.Do(method, req, out); err != nil {
		return err
	}
	return mapError(method, out.err())
}
