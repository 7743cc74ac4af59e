package webex

import (
	"context"
	"net/url"
	"strings"
	"time"

	"parley/internal/connector/rest"
)

// defaultRetryAfter is used for a 429 without a usable Retry-After.
const defaultRetryAfter = 30 * time.Second

// rules are Webex's reading of its answers: HTTP's own rule (a 403 is a
// refusal of the request, such as a room the account is not in).
func rules(now func() time.Time) rest.Rules {
	return rest.Rules{Platform: "webex", RetryAfter: defaultRetryAfter, Now: now}
}

// api calls the Webex REST API with one token.
type api struct {
	*rest.Client
	base *url.URL
}

// call sends a JSON request (body may be nil) to path under the API base
// and decodes a JSON answer into out (may be nil). op names the call in
// errors.
func (a *api) call(ctx context.Context, op, method, path string, body, out any) error {
	p, query, _ := strings.Cut(path, "?")
	u := a.base.JoinPath(p)
	u.RawQuery = query
	return a.Call(ctx, op, method, u.String(), body, out)
}

// sameHost reports whether u is on the API's scheme and host, the only
// place the token may be sent.
func (a *api) sameHost(u *url.URL) bool {
	return u.Scheme == a.base.Scheme && u.Host == a.base.Host
}
