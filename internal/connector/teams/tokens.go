package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"parley/internal/connector"
	"parley/internal/secret"
)

// tokenMargin: a token is renewed this long before it expires, so no call
// goes out with a token that expires on the way.
const tokenMargin = 5 * time.Minute

// tokenSource (a rest.TokenSource) gets and caches an app-only (client credentials) token for
// one authority and scope.
type tokenSource struct {
	http     *http.Client
	url      string
	clientID string
	secret   secret.Secret
	scope    string
	now      func() time.Time

	fetchMu sync.Mutex // one token request at a time
	mu      sync.Mutex
	tok     secret.Secret
	renewAt time.Time
}

func newTokenSource(cfg Config, tenant, scope string, appSecret secret.Secret) *tokenSource {
	return &tokenSource{
		http:     cfg.HTTPClient,
		url:      strings.ReplaceAll(cfg.TokenURL, "{tenant}", url.PathEscape(tenant)),
		clientID: cfg.AppID,
		secret:   appSecret,
		scope:    scope,
		now:      cfg.Now,
	}
}

func (s *tokenSource) cached() (secret.Secret, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok, !s.tok.IsZero() && s.now().Before(s.renewAt)
}

// token returns a valid token, requesting a new one when the cached one is
// about to expire.
func (s *tokenSource) Token(ctx context.Context) (secret.Secret, error) {
	if t, ok := s.cached(); ok {
		return t, nil
	}
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	if t, ok := s.cached(); ok {
		return t, nil
	}
	t, life, err := s.fetch(ctx)
	if err != nil {
		return secret.Secret{}, err
	}
	margin := tokenMargin
	if life < 2*margin {
		margin = life / 2
	}
	s.mu.Lock()
	s.tok, s.renewAt = t, s.now().Add(life-margin)
	s.mu.Unlock()
	return t, nil
}

// Forget drops the cached token after the API refused it.
func (s *tokenSource) Forget() {
	s.mu.Lock()
	s.tok, s.renewAt = secret.Secret{}, time.Time{}
	s.mu.Unlock()
}

func (s *tokenSource) fetch(ctx context.Context) (secret.Secret, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {s.secret.Reveal()},
		"scope":         {s.scope},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(form.Encode()))
	if err != nil {
		return secret.Secret{}, 0, fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.http.Do(req)
	if err != nil {
		return secret.Secret{}, 0, fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return secret.Secret{}, 0, rules(s.now).Check("token", resp)
	}
	var r struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"` // a number, or a string in v1
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&r); err != nil || r.AccessToken == "" {
		return secret.Secret{}, 0, fmt.Errorf("token response unreadable: %w", connector.ErrAuth)
	}
	secs := 3600
	var n json.Number
	if json.Unmarshal(r.ExpiresIn, &n) == nil || json.Unmarshal(trimQuotes(r.ExpiresIn), &n) == nil {
		if v, err := n.Int64(); err == nil && v > 0 {
			secs = int(v)
		}
	}
	return secret.New(r.AccessToken), time.Duration(secs) * time.Second, nil
}

func trimQuotes(b []byte) []byte {
	return []byte(strings.Trim(string(b), `"`))
}
