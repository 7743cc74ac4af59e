package gchat

import (
	"io"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
)

// reauthTransport authenticates requests with the app's access token and,
// when Google answers 401, fetches a new token and sends the request once
// more. x/oauth2 trusts the expiry it computed from expires_in on our
// clock, so a token Google stopped accepting earlier (revoked, or Google's
// clock and ours disagree) would otherwise be sent, and refused, until
// that moment: an hour of nothing but 401s.
type reauthTransport struct {
	// mint fetches a new token on every call.
	mint func() (*oauth2.Token, error)
	base http.RoundTripper

	// mu serialises token fetches, as oauth2.ReuseTokenSource does.
	mu  sync.Mutex
	tok *oauth2.Token
}

// token returns the cached token while it is valid and is not stale (the
// one a 401 just refused), else a new one.
func (t *reauthTransport) token(stale *oauth2.Token) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.Valid() && (stale == nil || t.tok.AccessToken != stale.AccessToken) {
		return t.tok, nil
	}
	tok, err := t.mint()
	if err != nil {
		return nil, err
	}
	t.tok = tok
	return tok, nil
}

func (t *reauthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.token(nil)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	retry := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	resp, err := t.send(req, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !retry {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	fresh, err := t.token(tok)
	if err != nil {
		return nil, err
	}
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		if again.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	return t.send(again, fresh)
}

// send sends a copy of req with tok, leaving req untouched as RoundTrip
// must.
func (t *reauthTransport) send(req *http.Request, tok *oauth2.Token) (*http.Response, error) {
	r := req.Clone(req.Context())
	tok.SetAuthHeader(r)
	return t.base.RoundTrip(r)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
