package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	slackapi "github.com/slack-go/slack"
	"golang.org/x/oauth2"
)

// advance moves the emulator's clock over its control API.
func (e *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	if status, out := e.control(t, http.MethodPost, "clock", fmt.Sprintf(`{"advance_seconds":%d}`, int(d/time.Second))); status != http.StatusOK || out["ok"] != true {
		t.Fatalf("advance the clock: %d %v", status, out)
	}
}

func TestClockExpiresRotatedTokenAndResetsLimits(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	app := e.emu.AddApp(AppSpec{Name: "Rotating", ClientID: "7.7", ClientSecret: "s3cret", BotScopes: []string{"chat:write", "users:read"}, TokenRotation: true})
	_, out := e.control(t, http.MethodPost, "oauth/code", `{"app_id":"`+app.ID+`","team":"`+e.ws.ID+`","user":"`+e.alice.ID+`"}`)
	opt := slackapi.OAuthOptionAPIURL(e.srv.URL + "/api/")
	r, err := slackapi.GetOAuthV2ResponseContext(ctx, e.srv.Client(), "7.7", "s3cret", out["code"].(string), "", opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.AccessToken, "xoxe.xoxb-") || !strings.HasPrefix(r.RefreshToken, "xoxe-1-") || r.ExpiresIn < 43000 || r.ExpiresIn > 43200 {
		t.Fatalf("rotating install = token %.10q refresh %.8q expires_in %d", r.AccessToken, r.RefreshToken, r.ExpiresIn)
	}
	bot := e.client(r.AccessToken)
	if _, err := bot.AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
	// users.list is tier 2: 20 a minute.
	usersList := func(token string) (int, map[string]any) {
		status, _, out := e.raw(t, "users.list", "application/x-www-form-urlencoded", "", map[string]string{"Authorization": "Bearer " + token})
		return status, out
	}
	for i := range 20 {
		if status, out := usersList(e.alice.Token); status != http.StatusOK || out["ok"] != true {
			t.Fatalf("users.list %d: %d %v", i, status, out)
		}
	}
	if status, out := usersList(e.alice.Token); status != http.StatusTooManyRequests || out["error"] != "ratelimited" {
		t.Fatalf("users.list 21: %d %v", status, out)
	}

	e.advance(t, 12*time.Hour)

	if _, err := bot.AuthTestContext(ctx); err == nil || err.Error() != "token_expired" {
		t.Fatalf("a rotating token 12 h later: %v, want token_expired", err)
	}
	// Person tokens and non-rotating bot tokens do not expire.
	if _, err := e.client(e.alice.Token).AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client(e.inst.BotToken).AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, err := slackapi.RefreshOAuthV2TokenContext(ctx, e.srv.Client(), "7.7", "s3cret", r.RefreshToken, opt)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == r.AccessToken || fresh.RefreshToken == r.RefreshToken || fresh.ExpiresIn < 43000 || fresh.ExpiresIn > 43200 {
		t.Fatalf("refresh answer = %+v", fresh)
	}
	if _, err := slackapi.RefreshOAuthV2TokenContext(ctx, e.srv.Client(), "7.7", "s3cret", r.RefreshToken, opt); err == nil || err.Error() != "invalid_refresh_token" {
		t.Fatalf("reusing a refresh token: %v", err)
	}
	bot = e.client(fresh.AccessToken)
	// The rate-limit window passed with the jump.
	for i := range 20 {
		if status, out := usersList(e.alice.Token); status != http.StatusOK || out["ok"] != true {
			t.Fatalf("users.list %d after the window: %d %v", i, status, out)
		}
	}
	e.advance(t, 11*time.Hour)
	if _, err := bot.AuthTestContext(ctx); err != nil {
		t.Fatalf("11 h into a fresh token's 12: %v", err)
	}
}

// TestSignInAfterClockJump: an ID token issued after Slack's clock jumped
// is stamped on the relying party's clock, which did not jump.
func TestSignInAfterClockJump(t *testing.T) {
	s := newSigninEnv(t, time.Now(), false)
	s.advance(t, 30*24*time.Hour)
	verifier := oauth2.GenerateVerifier()
	q := s.login(t, s.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "alice@acme.example")
	tok, err := s.conf.Exchange(s.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := s.provider.Verifier(&oidc.Config{ClientID: "111.222", Now: s.clk.now}).Verify(s.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("ID token after the jump: %v", err)
	}
	if idt.IssuedAt.After(s.clk.now().Add(time.Minute)) {
		t.Fatalf("ID token issued at %s, in the relying party's future (%s)", idt.IssuedAt, s.clk.now())
	}
}

// TestClockJumpSendsDueEventRetries runs Slack's own schedule (a retry at
// once, one a minute later, one five minutes after that) with an app that
// never acknowledges: the later retries come when the emulator's clock is
// advanced past them, not an hour of real time later.
func TestClockJumpSendsDueEventRetries(t *testing.T) {
	e := newEnv(t, Options{RetryDelays: []time.Duration{0, time.Minute, 5 * time.Minute}})
	e.rc.mu.Lock()
	e.rc.respond = func(w http.ResponseWriter, g received, _ int) bool {
		if g.inner["text"] != "late" {
			return false
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	e.rc.mu.Unlock()
	before := e.emu.DeliveryStats()
	_, ts, err := e.client(e.alice.Token).PostMessageContext(context.Background(), e.ch.ID, slackapi.MsgOptionText("late", false))
	if err != nil {
		t.Fatal(err)
	}
	// failed waits until n attempts have failed: the emulator has then
	// noted when the last one did, which its next retry is timed from.
	failed := func(n int64) {
		t.Helper()
		checkFor(t, 5*time.Second, func() bool { return e.emu.DeliveryStats().Failures-before.Failures == n })
	}
	nums := func() []string {
		var out []string
		for _, g := range e.rc.all() {
			if g.inner["ts"] == ts {
				out = append(out, g.header.Get("X-Slack-Retry-Num"))
			}
		}
		return out
	}
	failed(2) // the first attempt and the immediate retry
	e.advance(t, 59*time.Second)
	// A retry due in a second more must not come yet; a short look is
	// enough to see one that would.
	time.Sleep(100 * time.Millisecond)
	if got := nums(); len(got) != 2 {
		t.Fatalf("attempts before retry 2 was due: %q", got)
	}
	e.advance(t, time.Second)
	failed(3)
	e.advance(t, 5*time.Minute)
	failed(4)
	checkFor(t, 5*time.Second, func() bool { return e.emu.DeliveryStats().GivenUp-before.GivenUp == 1 })
	if got := nums(); strings.Join(got, ",") != ",1,2,3" {
		t.Fatalf("X-Slack-Retry-Num of the attempts: %q", got)
	}
}
