package webex_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"parley/internal/emulator/idp"
	webexemu "parley/internal/emulator/webex"
)

const webexCallback = "https://gateway.example/auth/webex/callback"

type wclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *wclock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *wclock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func webexRP(t *testing.T) (*world, *wclock, context.Context, *oidc.Provider, oauth2.Config) {
	t.Helper()
	clk := &wclock{t: time.Now()}
	w := newWorld(t, webexemu.Options{Now: clk.now})
	in := w.emu.AddIntegration(webexemu.IntegrationSpec{ClientSecret: "wsecret", Name: "Parley",
		RedirectURIs: []string{webexCallback}, Scopes: []string{"spark:people_read", "spark:messages_write"}})
	ctx := oidc.ClientContext(context.Background(), w.srv.Client())
	provider, err := oidc.NewProvider(ctx, w.emu.IssuerURL())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	ep := provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams
	return w, clk, ctx, provider, oauth2.Config{ClientID: in.ClientID, ClientSecret: "wsecret", Endpoint: ep,
		RedirectURL: webexCallback, Scopes: []string{"openid", "email", "profile", "spark:people_read"}}
}

func TestWebexIntegrationOAuth(t *testing.T) {
	w, clk, ctx, provider, conf := webexRP(t)
	v := oauth2.GenerateVerifier()
	cb, err := webexemu.Approve(ctx, w.srv.Client(), conf.AuthCodeURL("ws", oauth2.S256ChallengeOption(v), oidc.Nonce("wn")), "bob@acme.example")
	if err != nil || cb.Query().Get("state") != "ws" {
		t.Fatalf("authorize: %v %v", cb, err)
	}
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.Extra("refresh_token_expires_in") == nil || tok.Extra("expires_in") != float64(14*24*3600-1) {
		t.Fatalf("token = %+v", tok)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: conf.ClientID, Now: clk.now}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil || idt.Nonce != "wn" {
		t.Fatalf("verify: %v", err)
	}
	var claims struct{ Email string }
	_ = idt.Claims(&claims)
	if claims.Email != "bob@acme.example" {
		t.Fatalf("email = %q", claims.Email)
	}
	if _, err := provider.Verifier(&oidc.Config{ClientID: "Cother", Now: clk.now}).Verify(ctx, tok.Extra("id_token").(string)); err == nil {
		t.Fatal("wrong audience accepted")
	}
	var me struct{ Emails []string }
	if res := w.do(t, tok.AccessToken, http.MethodGet, "people/me", nil, &me); res.StatusCode != 200 || me.Emails[0] != "bob@acme.example" {
		t.Fatalf("people/me = %d %v", res.StatusCode, me)
	}
	if _, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(v)); err == nil {
		t.Fatal("code exchanged twice")
	}

	// Fourteen days on, the access token is refused; refresh renews it.
	clk.advance(14 * 24 * time.Hour)
	if res := w.do(t, tok.AccessToken, http.MethodGet, "people/me", nil, nil); res.StatusCode != 401 {
		t.Fatalf("expired token: %d", res.StatusCode)
	}
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute)
	fresh, err := conf.TokenSource(ctx, &stale).Token()
	if err != nil || fresh.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	if res := w.do(t, fresh.AccessToken, http.MethodGet, "people/me", nil, nil); res.StatusCode != 200 {
		t.Fatalf("refreshed: %d", res.StatusCode)
	}
	// Bob revokes the integration: its tokens stop at once.
	if res := w.do(t, fresh.AccessToken, http.MethodDelete, "authorizations?clientId="+conf.ClientID, nil, nil); res.StatusCode != 204 {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res := w.do(t, fresh.AccessToken, http.MethodGet, "people/me", nil, nil); res.StatusCode != 401 {
		t.Fatalf("revoked: %d", res.StatusCode)
	}
	if _, err := conf.TokenSource(ctx, &stale).Token(); err == nil {
		t.Fatal("refresh after revocation")
	}
}

func TestWebexIntegrationRefusals(t *testing.T) {
	w, _, ctx, _, conf := webexRP(t)
	code := func(v string) string {
		cb, err := webexemu.Approve(ctx, w.srv.Client(), conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)), "ann@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		return cb.Query().Get("code")
	}
	var re *oauth2.RetrieveError
	if _, err := conf.Exchange(ctx, code(oauth2.GenerateVerifier()), oauth2.VerifierOption(oauth2.GenerateVerifier())); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !strings.Contains(re.ErrorDescription, "code_verifier") {
		t.Errorf("wrong verifier: %v", err)
	}
	other := conf
	other.RedirectURL = "https://evil.example/cb"
	var pe *idp.PageError
	if _, err := webexemu.Approve(ctx, w.srv.Client(), other.AuthCodeURL("s"), "ann@acme.example"); !errors.As(err, &pe) || pe.Status != 400 {
		t.Errorf("unregistered redirect: %v", err)
	}
	cb, err := webexemu.Decline(ctx, w.srv.Client(), conf.AuthCodeURL("d"))
	if err != nil || cb.Query().Get("error") != "access_denied" {
		t.Errorf("decline: %v %v", cb, err)
	}
	over := conf
	over.Scopes = []string{"spark:all"} // not granted to the integration
	cb, err = webexemu.Approve(ctx, w.srv.Client(), over.AuthCodeURL("s"), "ann@acme.example")
	if err != nil || cb.Query().Get("error") != "invalid_scope" {
		t.Errorf("scope beyond the integration's: %v %v", cb, err)
	}
}
