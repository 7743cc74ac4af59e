package slack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
	slackapi "github.com/slack-go/slack"
	"golang.org/x/oauth2"

	"parley/internal/emulator/idp"
)

// testClock is a settable emulator clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const callbackURL = "https://gateway.example/auth/slack/callback"

// signinEnv is an env with an app registered for Sign in with Slack and a
// relying party built the way a gateway would: go-oidc discovery over TLS.
type signinEnv struct {
	*env
	clk      *testClock
	ctx      context.Context
	provider *oidc.Provider
	conf     oauth2.Config
}

func newSigninEnv(t *testing.T, start time.Time, rotation bool) *signinEnv {
	t.Helper()
	clk := &testClock{t: start}
	e := newEnv(t, Options{Now: clk.now})
	e.emu.mu.Lock()
	a := e.emu.st.apps[e.app.ID]
	a.redirectURLs, a.rotation = []string{callbackURL}, rotation
	e.emu.mu.Unlock()
	ctx := oidc.ClientContext(context.Background(), e.srv.Client())
	provider, err := oidc.NewProvider(ctx, e.emu.IssuerURL())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &signinEnv{env: e, clk: clk, ctx: ctx, provider: provider, conf: oauth2.Config{
		ClientID: "111.222", ClientSecret: "shh", Endpoint: provider.Endpoint(),
		RedirectURL: callbackURL, Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
	}}
}

// login runs the authorize step as email and returns the callback query.
func (s *signinEnv) login(t *testing.T, authURL, email string) url.Values {
	t.Helper()
	cb, err := Approve(s.ctx, s.srv.Client(), authURL, email)
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != callbackURL {
		t.Fatalf("redirected to %s", got)
	}
	return cb.Query()
}

// tokenCall posts a token request by hand, to see Slack's error codes.
func (s *signinEnv) tokenCall(t *testing.T, method string, form url.Values) map[string]any {
	t.Helper()
	_, _, out := s.raw(t, method, "application/x-www-form-urlencoded", form.Encode(), nil)
	return out
}

func TestSignInWithSlack(t *testing.T) {
	s := newSigninEnv(t, time.Now(), false)
	verifier := oauth2.GenerateVerifier()
	authURL := s.conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n0nce"))
	q := s.login(t, authURL, "alice@acme.example")
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("callback query = %v", q)
	}
	tok, err := s.conf.Exchange(s.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := s.provider.Verifier(&oidc.Config{ClientID: "111.222"}).Verify(s.ctx, raw)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idt.Subject != s.alice.ID || idt.Nonce != "n0nce" || claims["https://slack.com/team_id"] != s.ws.ID ||
		claims["email"] != "alice@acme.example" || claims["email_verified"] != true || claims["name"] != "Alice" {
		t.Fatalf("claims = %v", claims)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	info, err := s.provider.UserInfo(s.ctx, oauth2.StaticTokenSource(tok))
	if err != nil || info.Subject != s.alice.ID || info.Email != "alice@acme.example" || !info.EmailVerified {
		t.Fatalf("userinfo = %+v, %v", info, err)
	}
	// The sign-in token is a user token for the OpenID scopes only.
	if _, err := s.client(tok.AccessToken).GetConversationHistoryContext(s.ctx, &slackapi.GetConversationHistoryParameters{ChannelID: s.ch.ID}); err == nil || !strings.Contains(err.Error(), "missing_scope") {
		t.Fatalf("sign-in token used for history: %v", err)
	}
	// The code is single-use.
	if _, err := s.conf.Exchange(s.ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("code exchanged twice")
	}
	out := s.tokenCall(t, "openid.connect.token", url.Values{"client_id": {"111.222"}, "client_secret": {"shh"},
		"code": {q.Get("code")}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}})
	if out["error"] != "code_already_used" {
		t.Fatalf("reuse = %v", out)
	}
}

func TestSignInRefusals(t *testing.T) {
	s := newSigninEnv(t, time.Now(), false)
	verifier := oauth2.GenerateVerifier()
	start := func(t *testing.T) string {
		return s.login(t, s.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "bob@acme.example").Get("code")
	}
	exchange := func(code string, mod func(url.Values)) map[string]any {
		form := url.Values{"client_id": {"111.222"}, "client_secret": {"shh"}, "code": {code},
			"redirect_uri": {callbackURL}, "code_verifier": {verifier}}
		if mod != nil {
			mod(form)
		}
		return s.tokenCall(t, "openid.connect.token", form)
	}
	verify := func(raw, aud string) error {
		_, err := s.provider.Verifier(&oidc.Config{ClientID: aud}).Verify(s.ctx, raw)
		return err
	}

	t.Run("wrong verifier", func(t *testing.T) {
		out := exchange(start(t), func(f url.Values) { f.Set("code_verifier", oauth2.GenerateVerifier()) })
		if out["error"] != "invalid_code_verifier" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("missing verifier", func(t *testing.T) {
		if out := exchange(start(t), func(f url.Values) { f.Del("code_verifier") }); out["error"] != "invalid_code_verifier" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("other redirect at token", func(t *testing.T) {
		out := exchange(start(t), func(f url.Values) { f.Set("redirect_uri", "https://evil.example/cb") })
		if out["error"] != "bad_redirect_uri" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		code := start(t)
		s.clk.advance(11 * time.Minute)
		if out := exchange(code, nil); out["error"] != "invalid_code" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("bad secret", func(t *testing.T) {
		if out := exchange(start(t), func(f url.Values) { f.Set("client_secret", "nope") }); out["error"] != "bad_client_secret" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("unregistered redirect shows an error page", func(t *testing.T) {
		c := s.conf
		c.RedirectURL = "https://evil.example/cb"
		_, err := Approve(s.ctx, s.srv.Client(), c.AuthCodeURL("st"), "bob@acme.example")
		var pe *idp.PageError
		if !errors.As(err, &pe) || pe.Status != http.StatusBadRequest || !strings.Contains(pe.Detail, "evil.example") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("deny", func(t *testing.T) {
		cb, err := Decline(s.ctx, s.srv.Client(), s.conf.AuthCodeURL("st9"))
		if err != nil || cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "st9" || cb.Query().Get("code") != "" {
			t.Fatalf("deny = %v, %v", cb, err)
		}
	})
	t.Run("forged, expired or misaddressed ID tokens", func(t *testing.T) {
		out := exchange(start(t), nil)
		raw, _ := out["id_token"].(string)
		if err := verify(raw, "111.222"); err != nil {
			t.Fatalf("genuine token refused: %v", err)
		}
		if err := verify(raw, "999.999"); err == nil {
			t.Error("wrong audience accepted")
		}
		parts := strings.Split(raw, ".")
		var claims jwt.MapClaims
		b, _ := jwt.NewParser().DecodeSegment(parts[1])
		_ = json.Unmarshal(b, &claims)
		claims["sub"] = s.alice.ID // become someone else, keep the signature
		body, _ := json.Marshal(claims)
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(body) + "." + parts[2]
		if err := verify(forged, "111.222"); err == nil {
			t.Error("tampered payload accepted")
		}
		var other idp.Signer // same claims, signed by a key Slack never published
		if err := verify(other.Sign(claims), "111.222"); err == nil {
			t.Error("token signed by an unknown key accepted")
		}
		claims["sub"], claims["exp"] = s.bob.ID, time.Now().Add(-time.Minute).Unix()
		s.emu.mu.Lock()
		expired := s.emu.signer.Sign(claims)
		s.emu.mu.Unlock()
		if err := verify(expired, "111.222"); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Errorf("expired token: %v", err)
		}
	})
}
