package admin

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	gchatemu "parley/internal/emulator/gchat"
	"parley/internal/emulator/idp"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/secret"
	"parley/internal/store"
)

// idpEnv is one emulated identity provider, served over TLS, with an OIDC
// client registered for the admin API and a person on it.
type idpEnv struct {
	name, issuer, clientID, secret string
	trustEmail                     bool
	// register registers a client with these redirect URIs.
	register func(clientID, secret string, redirects []string)
	email    string
}

func serveTLS(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// idps starts the four emulators' identity providers.
func idps(t *testing.T) []*idpEnv {
	var out []*idpEnv

	s := slackemu.New(slackemu.Options{})
	t.Cleanup(s.Close)
	ss := serveTLS(t, s.Handler())
	s.SetBaseURL(ss.URL)
	team := s.AddWorkspace("acme")
	s.AddUser(team.ID, "alice", "alice@acme.example")
	out = append(out, &idpEnv{name: "slack", issuer: s.IssuerURL(), clientID: "111.222", secret: "slack-secret", email: "alice@acme.example",
		register: func(id, sec string, r []string) {
			s.AddApp(slackemu.AppSpec{Name: "Parley", ClientID: id, ClientSecret: sec, RedirectURLs: r})
		}})

	m := teamsemu.New(teamsemu.Options{})
	t.Cleanup(m.Close)
	ms := serveTLS(t, m.Handler())
	m.SetBaseURL(ms.URL)
	ten := m.AddTenant("contoso")
	m.AddUser(ten.ID, "judy", "judy@contoso.example")
	out = append(out, &idpEnv{name: "microsoft", issuer: m.IssuerURL(ten.ID), clientID: "6e1b0f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", secret: "entra-secret",
		trustEmail: true, email: "judy@contoso.example",
		register: func(id, sec string, r []string) {
			m.RegisterApp(teamsemu.AppSpec{ClientID: id, ClientSecret: sec, Name: "Parley", HomeTenant: ten.ID, RedirectURIs: r})
		}})

	g := gchatemu.New(gchatemu.Options{})
	t.Cleanup(g.Close)
	gs := serveTLS(t, g.Handler())
	g.SetBaseURL(gs.URL)
	dom := g.AddDomain("initech.example")
	g.AddUser(dom.Name, "frank", "frank@initech.example")
	out = append(out, &idpEnv{name: "google", issuer: g.IssuerURL(), clientID: "123-parley.apps.googleusercontent.com", secret: "google-secret", email: "frank@initech.example",
		register: func(id, sec string, r []string) {
			g.RegisterOAuthClient(gchatemu.OAuthClientSpec{ClientID: id, ClientSecret: sec, Name: "Parley", RedirectURIs: r})
		}})

	w := webexemu.New(webexemu.Options{})
	t.Cleanup(w.Close)
	ws := serveTLS(t, w.Handler())
	w.SetBaseURL(ws.URL)
	org := w.AddOrg("umbrella")
	w.AddPerson(org.ID, "grace", "grace@umbrella.example")
	out = append(out, &idpEnv{name: "webex", issuer: w.IssuerURL(), clientID: "C" + strings.Repeat("ab", 32), secret: "webex-secret", email: "grace@umbrella.example",
		register: func(id, sec string, r []string) {
			w.AddIntegration(webexemu.IntegrationSpec{ClientID: id, ClientSecret: sec, Name: "Parley", RedirectURIs: r})
		}})
	return out
}

// signinEnv is an API whose providers are the emulators', each person
// holding a role in t1.
func signinEnv(t *testing.T, clock func() time.Time) (*env, []*idpEnv) {
	ps := idps(t)
	tlsClient := httptest.NewTLSServer(http.NotFoundHandler()) // for its client, which trusts every httptest server
	t.Cleanup(tlsClient.Close)
	e := newEnv(t, func(o *Options) {
		o.HTTPClient = tlsClient.Client()
		for _, p := range ps {
			o.Providers = append(o.Providers, Provider{Name: p.name, Issuer: p.issuer, ClientID: p.clientID, ClientSecret: secret.New(p.secret), TrustEmailClaim: p.trustEmail})
		}
		o.Now = time.Now // the providers' clocks are real
		if clock != nil {
			o.Now = clock
		}
		o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	})
	e.seed()
	for _, p := range ps {
		p.register(p.clientID, p.secret, []string{e.api.RedirectURL(p.name)})
		e.person(p.email, "t1", "operator")
	}
	return e, ps
}

// browser is a cookie-keeping client that trusts the test servers and
// does not follow redirects on its own.
func (e *env) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := e.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// signIn runs the whole flow as a person would in a browser: the login
// redirect, the provider's account chooser, the callback.
func (e *env) signIn(t *testing.T, b *http.Client, provider, email string) *http.Response {
	t.Helper()
	res, err := b.Get(e.srv.URL + Prefix + "auth/" + provider + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", res.StatusCode)
	}
	authz := res.Header.Get("Location")
	u, _ := url.Parse(authz)
	if u.Query().Get("code_challenge") == "" || u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("nonce") == "" || u.Query().Get("state") == "" {
		t.Fatalf("authorize URL lacks PKCE, nonce or state: %s", authz)
	}
	cb, err := idp.Choose(t.Context(), b, authz, email)
	if err != nil {
		t.Fatalf("chooser: %v", err)
	}
	res, err = idp.Follow(t.Context(), b, cb)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSignInEachProvider: through each emulated provider, over TLS, with
// PKCE: the person ends with a session cookie that is HttpOnly, Secure,
// SameSite and __Host-, and acts with their roles.
func TestSignInEachProvider(t *testing.T) {
	e, ps := signinEnv(t, nil)
	for _, p := range ps {
		t.Run(p.name, func(t *testing.T) {
			b := e.browser(t)
			res := e.signIn(t, b, p.name, p.email)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusFound {
				t.Fatalf("callback: %d %s", res.StatusCode, body)
			}
			var session *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == sessionCookie {
					session = c
				}
			}
			if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || !strings.HasPrefix(session.Value, sesPrefix) {
				t.Fatalf("session cookie %+v", session)
			}
			me := e.getJSON(t, b, "me", nil)
			if me["id"] != e.persons[p.email] || !strings.Contains(toJSON(me["roles"]), `"role":"operator","tenant":"t1"`) || me["csrf_token"] == "" {
				t.Fatalf("me = %v", me)
			}
			// A state change with the cookie needs the CSRF token.
			req, _ := http.NewRequest("POST", e.srv.URL+Prefix+"tenants/t1/links", strings.NewReader(`{"name":"x","channels":[{"platform":"slack","workspace":"W1x","channel":"S`+p.name+`"},{"platform":"slack","workspace":"W1y","channel":"T`+p.name+`"}]}`))
			res2, _ := b.Do(req)
			body, _ = io.ReadAll(res2.Body)
			res2.Body.Close()
			if res2.StatusCode != 403 || !strings.Contains(string(body), `"csrf"`) {
				t.Fatalf("without CSRF token: %d %s", res2.StatusCode, body)
			}
			req, _ = http.NewRequest("POST", e.srv.URL+Prefix+"tenants/t1/links", strings.NewReader(`{"name":"x","channels":[{"platform":"slack","workspace":"W1x","channel":"S`+p.name+`"},{"platform":"slack","workspace":"W1y","channel":"T`+p.name+`"}]}`))
			req.Header.Set("X-CSRF-Token", me["csrf_token"].(string))
			res2, _ = b.Do(req)
			body, _ = io.ReadAll(res2.Body)
			res2.Body.Close()
			if res2.StatusCode != 201 {
				t.Fatalf("with CSRF token: %d %s", res2.StatusCode, body)
			}
			// Sign out ends the session.
			req, _ = http.NewRequest("POST", e.srv.URL+Prefix+"auth/logout", nil)
			req.Header.Set("X-CSRF-Token", me["csrf_token"].(string))
			res2, _ = b.Do(req)
			res2.Body.Close()
			req, _ = http.NewRequest("GET", e.srv.URL+Prefix+"me", nil)
			req.AddCookie(session)
			res2, _ = b.Do(req)
			res2.Body.Close()
			if res2.StatusCode != 401 {
				t.Fatalf("after sign-out the session still works: %d", res2.StatusCode)
			}
		})
	}
}

// TestSignInRefusals: someone without a role, a role pinned to another
// provider, a state that does not match, a replayed callback, and a
// clock past the ID token's expiry are all refused.
func TestSignInRefusals(t *testing.T) {
	var skew time.Duration
	e, ps := signinEnv(t, func() time.Time { return time.Now().Add(skew) })
	slack := ps[0]

	t.Run("no role", func(t *testing.T) {
		r, _ := e.api.assignment(t.Context(), "t1", slack.email, "operator", "", store.OriginConfig)
		_ = e.st.DeleteRole(t.Context(), "t1", r.Person)
		defer e.person(slack.email, "t1", "operator")
		res := e.signIn(t, e.browser(t), slack.name, slack.email)
		wantRes(t, res, 403, "no_role")
	})
	t.Run("pinned to another provider", func(t *testing.T) {
		r, _ := e.api.assignment(t.Context(), "t1", slack.email, "operator", "google", store.OriginConfig)
		_ = e.st.PutRole(t.Context(), r)
		defer e.person(slack.email, "t1", "operator")
		res := e.signIn(t, e.browser(t), slack.name, slack.email)
		wantRes(t, res, 403, "no_role")
	})
	t.Run("state mismatch", func(t *testing.T) {
		b := e.browser(t)
		res, _ := b.Get(e.srv.URL + Prefix + "auth/slack/login")
		res.Body.Close()
		cb, err := idp.Choose(t.Context(), b, res.Header.Get("Location"), slack.email)
		if err != nil {
			t.Fatal(err)
		}
		q := cb.Query()
		q.Set("state", "forged")
		cb.RawQuery = q.Encode()
		res, _ = idp.Follow(t.Context(), b, cb)
		wantRes(t, res, 401, "signin_failed")
	})
	t.Run("no sign-in cookie (callback from another browser)", func(t *testing.T) {
		b := e.browser(t)
		res, _ := b.Get(e.srv.URL + Prefix + "auth/slack/login")
		res.Body.Close()
		cb, _ := idp.Choose(t.Context(), b, res.Header.Get("Location"), slack.email)
		res, _ = idp.Follow(t.Context(), e.browser(t), cb)
		wantRes(t, res, 401, "signin_failed")
	})
	t.Run("expired ID token", func(t *testing.T) {
		// The API's clock runs two hours ahead of the provider's: every
		// ID token it is handed has expired (they live an hour).
		skew = 2 * time.Hour
		defer func() { skew = 0 }()
		res := e.signIn(t, e.browser(t), slack.name, slack.email)
		wantRes(t, res, 401, "signin_failed")
	})
}

func wantRes(t *testing.T, res *http.Response, status int, code string) {
	t.Helper()
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != status || !strings.Contains(string(b), `"`+code+`"`) {
		t.Fatalf("%d %s, want %d %s", res.StatusCode, b, status, code)
	}
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie && c.MaxAge >= 0 {
			t.Fatalf("a refused sign-in set a session cookie")
		}
	}
}

// realIDToken signs a person in at the provider directly, as another app
// with client clientID, and returns the raw ID token and the nonce.
func realIDToken(t *testing.T, e *env, p *idpEnv, clientID string) (*oauth2.Token, string) {
	t.Helper()
	// Our own client is registered already (with the API's callback);
	// another app gets a registration of its own.
	redirect, secret := e.api.RedirectURL(p.name), p.secret
	if clientID != p.clientID {
		redirect, secret = "https://other-app.example/callback", "other-secret"
		p.register(clientID, secret, []string{redirect})
	}
	ctx := oidc.ClientContext(t.Context(), e.api.opts.HTTPClient)
	op, err := oidc.NewProvider(ctx, p.issuer)
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: op.Endpoint(), RedirectURL: redirect, Scopes: []string{"openid", "email"}}
	verifier, nonce := oauth2.GenerateVerifier(), rand.Text()
	cb, err := idp.Choose(t.Context(), e.browser(t), cfg.AuthCodeURL("s", oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), p.email)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	return tok, nonce
}

// TestIDTokenChecks: tokens the providers really issued, but for another
// audience, with another nonce, expired, altered, or signed by a key the
// provider never published, are all refused; the genuine one passes.
func TestIDTokenChecks(t *testing.T) {
	var skew time.Duration
	e, ps := signinEnv(t, func() time.Time { return time.Now().Add(skew) })
	for _, p := range ps {
		t.Run(p.name, func(t *testing.T) {
			ctx := oidc.ClientContext(t.Context(), e.api.opts.HTTPClient)
			prov, _, err := e.api.provider(ctx, p.name)
			if err != nil {
				t.Fatal(err)
			}
			// Issued to our client: accepted.
			own, nonce := realIDToken(t, e, p, p.clientID)
			if email, err := e.api.verifyIDToken(ctx, prov, own, nonce); err != nil || email != p.email {
				t.Fatalf("genuine token: %q, %v", email, err)
			}
			other, otherNonce := realIDToken(t, e, p, strings.Replace(p.clientID, "1", "9", 1)+"x")
			raw := own.Extra("id_token").(string)
			for name, tc := range map[string]struct {
				tok   *oauth2.Token
				nonce string
				skew  time.Duration
			}{
				"wrong audience": {other, otherNonce, 0},
				"wrong nonce":    {own, "another", 0},
				"expired":        {own, nonce, 13 * time.Hour}, // Webex's live 12 h, the others' 1 h
				"altered":        {withIDToken(own, alter(raw)), nonce, 0},
				"forged":         {withIDToken(own, forge(t, raw)), nonce, 0},
				"none alg":       {withIDToken(own, noneAlg(raw)), nonce, 0},
			} {
				skew = tc.skew
				if email, err := e.api.verifyIDToken(ctx, prov, tc.tok, tc.nonce); err == nil {
					t.Errorf("%s: accepted (%s)", name, email)
				}
				skew = 0
			}
		})
	}
}

func withIDToken(t *oauth2.Token, raw string) *oauth2.Token {
	return t.WithExtra(map[string]any{"id_token": raw})
}

// alter changes the payload's email and keeps the signature.
func alter(raw string) string {
	parts := strings.Split(raw, ".")
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	m["email"] = "mallory@evil.example"
	b, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// forge signs the same claims, with the same kid, by a key of our own.
func forge(t *testing.T, raw string) string {
	parts := strings.Split(raw, ".")
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h map[string]any
	_ = json.Unmarshal(hb, &h)
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims jwt.MapClaims
	_ = json.Unmarshal(b, &claims)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = h["kid"]
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func noneAlg(raw string) string {
	parts := strings.Split(raw, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
}

func (e *env) getJSON(t *testing.T, c *http.Client, path string, _ any) map[string]any {
	t.Helper()
	res, err := c.Get(e.srv.URL + Prefix + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &m); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return m
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

var _ = context.Background

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
