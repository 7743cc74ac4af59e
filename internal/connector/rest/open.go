package rest

import (
	"context"
	"net/http"

	"parley/internal/secret"
)

// Open sends a bodiless request (a file download, a HEAD for its
// metadata) to rawURL through hc — for a URL from outside, the egress
// guard's client — with tok as its bearer token unless tok is zero, and
// returns a 2xx answer for the caller to read and close. Refusals and
// send errors are read by r, under op.
func (r Rules) Open(ctx context.Context, hc *http.Client, op, method, rawURL string, tok secret.Secret) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return nil, r.SendError(op, err)
	}
	if !tok.IsZero() {
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, r.SendError(op, err)
	}
	if err := r.Check(op, resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}
