package gchat

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/chat/v1"
	"google.golang.org/api/option"

	"parley/internal/emulator/idp"
)

const googleCallback = "https://gateway.example/auth/google/callback"

type settable struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settable) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settable) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type googleRP struct {
	*env
	clk      *settable
	ctx      context.Context
	provider *oidc.Provider
	conf     oauth2.Config
}

func newGoogleRP(t *testing.T) *googleRP {
	t.Helper()
	clk := &settable{t: time.Now()}
	ev := newEnv(t, func(o *Options) { o.Now = clk.now })
	client := ev.emu.RegisterOAuthClient(OAuthClientSpec{ClientSecret: "gsecret", Name: "Parley", RedirectURIs: []string{googleCallback}})
	ctx := oidc.ClientContext(context.Background(), ev.srv.Client())
	provider, err := oidc.NewProvider(ctx, ev.emu.IssuerURL())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &googleRP{env: ev, clk: clk, ctx: ctx, provider: provider, conf: oauth2.Config{
		ClientID: client.ClientID, ClientSecret: "gsecret", Endpoint: provider.Endpoint(), RedirectURL: googleCallback,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile", scopePrefix + "chat.messages", scopePrefix + "chat.spaces"},
	}}
}

func (g *googleRP) chatAs(t *testing.T, ts oauth2.TokenSource) *chat.Service {
	t.Helper()
	ctx := context.WithValue(g.ctx, oauth2.HTTPClient, g.srv.Client())
	svc, err := chat.NewService(ctx, option.WithEndpoint(g.srv.URL+"/"), option.WithHTTPClient(oauth2.NewClient(ctx, ts)))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestGoogleSignInAndConsent(t *testing.T) {
	g := newGoogleRP(t)
	verifier := oauth2.GenerateVerifier()
	authURL := g.conf.AuthCodeURL("gs", oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier), oidc.Nonce("gn"))
	cb, err := Approve(g.ctx, g.srv.Client(), authURL, "bob@acme.example")
	if err != nil || cb.Query().Get("state") != "gs" {
		t.Fatalf("consent: %v %v", cb, err)
	}
	tok, err := g.conf.Exchange(g.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idt, err := g.provider.Verifier(&oidc.Config{ClientID: g.conf.ClientID, Now: g.clk.now}).Verify(g.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var c map[string]any
	_ = idt.Claims(&c)
	if idt.Subject != strings.TrimPrefix(g.bob.Name, "users/") || c["hd"] != "acme.example" || c["email"] != "bob@acme.example" ||
		c["email_verified"] != true || idt.Nonce != "gn" || c["azp"] != g.conf.ClientID || tok.RefreshToken == "" {
		t.Fatalf("claims = %v, refresh %q", c, tok.RefreshToken)
	}
	if _, err := g.conf.Exchange(g.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier)); !strings.Contains(retrieve(err), "invalid_grant") {
		t.Fatalf("reused code: %v", err)
	}

	// The user token acts as Bob in Chat; it expires after an hour and
	// the refresh token renews it.
	ts := g.conf.TokenSource(g.ctx, tok)
	if _, err := g.chatAs(t, ts).Spaces.List().Do(); err != nil {
		t.Fatalf("spaces.list as Bob: %v", err)
	}
	g.clk.advance(time.Hour)
	if _, err := g.chatAs(t, oauth2.StaticTokenSource(tok)).Spaces.List().Do(); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("expired token: %v", err)
	}
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute)
	fresh, err := g.conf.TokenSource(g.ctx, &stale).Token()
	if err != nil || fresh.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := g.chatAs(t, oauth2.StaticTokenSource(fresh)).Spaces.List().Do(); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}

	// Revoking the refresh token ends the grant: its access tokens at
	// once, and further refreshes.
	res, err := g.srv.Client().PostForm(g.srv.URL+"/revoke", map[string][]string{"token": {tok.RefreshToken}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", res, err)
	}
	if _, err := g.chatAs(t, oauth2.StaticTokenSource(fresh)).Spaces.List().Do(); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := g.conf.TokenSource(g.ctx, &stale).Token(); !strings.Contains(retrieve(err), "invalid_grant") {
		t.Fatalf("refresh after revoke: %v", err)
	}
}

func retrieve(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode + " " + re.ErrorDescription
	}
	return ""
}

func TestGoogleRefusals(t *testing.T) {
	g := newGoogleRP(t)
	// One attempt per exchange, so the first answer is the one checked
	// (x/oauth2's auto-detection retries, and the retry finds the code spent).
	g.conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	code := func(t *testing.T, v string) string {
		cb, err := Approve(g.ctx, g.srv.Client(), g.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)), "alice@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		return cb.Query().Get("code")
	}
	if _, err := g.conf.Exchange(g.ctx, code(t, oauth2.GenerateVerifier()), oauth2.VerifierOption(oauth2.GenerateVerifier())); retrieve(err) != "invalid_grant Invalid code verifier." {
		t.Errorf("wrong verifier: %v", err)
	}
	other := g.conf
	other.RedirectURL = "https://gateway.example/elsewhere"
	v := oauth2.GenerateVerifier()
	if _, err := other.Exchange(g.ctx, code(t, v), oauth2.VerifierOption(v)); !strings.HasPrefix(retrieve(err), "redirect_uri_mismatch") {
		t.Errorf("redirect at token: %v", err)
	}
	other.RedirectURL = "https://evil.example/cb"
	_, err := Approve(g.ctx, g.srv.Client(), other.AuthCodeURL("s"), "alice@acme.example")
	var pe *idp.PageError
	if !errors.As(err, &pe) || pe.Title != "Error 400: redirect_uri_mismatch" {
		t.Errorf("unregistered redirect: %v", err)
	}
	cb, err := Decline(g.ctx, g.srv.Client(), g.conf.AuthCodeURL("d"))
	if err != nil || cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "d" {
		t.Errorf("cancel: %v %v", cb, err)
	}
	v = oauth2.GenerateVerifier()
	c := code(t, v)
	g.clk.advance(11 * time.Minute)
	if _, err := g.conf.Exchange(g.ctx, c, oauth2.VerifierOption(v)); retrieve(err) != "invalid_grant Bad Request" {
		t.Errorf("expired code: %v", err)
	}
	tok, err := g.conf.Exchange(g.ctx, code(t, v), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	raw := tok.Extra("id_token").(string)
	verify := func(aud string, now time.Time) error {
		_, err := g.provider.Verifier(&oidc.Config{ClientID: aud, Now: func() time.Time { return now }}).Verify(g.ctx, raw)
		return err
	}
	if err := verify(g.conf.ClientID, g.clk.now()); err != nil {
		t.Fatalf("genuine: %v", err)
	}
	if verify("other.apps.googleusercontent.com", g.clk.now()) == nil {
		t.Error("wrong audience accepted")
	}
	if err := verify(g.conf.ClientID, g.clk.now().Add(2*time.Hour)); err == nil {
		t.Error("expired ID token accepted")
	}
	var stranger idp.Signer
	forged := stranger.Sign(map[string]any{"iss": g.emu.IssuerURL(), "aud": g.conf.ClientID, "sub": "1", "exp": g.clk.now().Add(time.Hour).Unix(), "iat": g.clk.now().Unix()})
	if _, err := g.provider.Verifier(&oidc.Config{ClientID: g.conf.ClientID, Now: g.clk.now}).Verify(g.ctx, forged); err == nil {
		t.Error("token signed by an unpublished key accepted")
	}
}

func TestDomainWideDelegation(t *testing.T) {
	ev := newEnv(t)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ev.srv.Client())
	cfg, err := google.JWTConfigFromJSON(ev.app.ServiceAccountKeyJSON, scopePrefix+"chat.messages")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Subject = "alice@acme.example"
	if _, err := cfg.TokenSource(ctx).Token(); err == nil || !strings.Contains(err.Error(), "unauthorized_client") {
		t.Fatalf("before the admin's authorization: %v", err)
	}
	ev.emu.AuthorizeDomainWideDelegation("acme.example", ev.app, []string{scopePrefix + "chat.messages"})
	svc, err := chat.NewService(ctx, option.WithEndpoint(ev.srv.URL+"/"), option.WithHTTPClient(oauth2.NewClient(ctx, cfg.TokenSource(ctx))))
	if err != nil {
		t.Fatal(err)
	}
	m, err := svc.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "as alice"}).Do()
	if err != nil || m.Sender == nil || m.Sender.Name != ev.alice.Name || m.Sender.Type != "HUMAN" {
		t.Fatalf("post as alice: %+v %v", m, err)
	}
	cfg.Scopes = []string{scopePrefix + "chat.spaces"} // not authorized
	if _, err := cfg.TokenSource(ctx).Token(); err == nil || !strings.Contains(err.Error(), "unauthorized_client") {
		t.Fatalf("unauthorized scope: %v", err)
	}
}
