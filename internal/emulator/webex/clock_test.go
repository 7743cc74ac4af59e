package webex_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	webexemu "parley/internal/emulator/webex"
)

// advance moves the emulator's clock over its control API.
func (w *world) advance(t *testing.T, d time.Duration) {
	t.Helper()
	base := strings.TrimSuffix(w.emu.APIURL(), "/v1/")
	res, err := w.srv.Client().Post(base+"/_emulator/clock", "application/json",
		strings.NewReader(fmt.Sprintf(`{"advance_seconds":%d}`, int(d/time.Second))))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("advance the clock: %d", res.StatusCode)
	}
}

// TestClockExpiresTokensAndResetsLimits: an integration token issued
// through OAuth stops working 14 days of the emulator's clock later, with
// Webex's 401; advancing the clock refills the rate-limit budget; setup and
// bot tokens do not expire; ID tokens issued after the jump still verify
// on the receiver's clock.
func TestClockExpiresTokensAndResetsLimits(t *testing.T) {
	// webexRP's wall clock stands still unless the test moves it, so the
	// rate-limit budget refills only when the emulator's clock is advanced.
	w, clk, ctx, provider, conf := webexRP(t)
	v := oauth2.GenerateVerifier()
	cb, err := webexemu.Approve(ctx, w.srv.Client(), conf.AuthCodeURL("s", oauth2.S256ChallengeOption(v)), "bob@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	var me struct {
		ID string `json:"id"`
	}
	if res := w.do(t, tok.AccessToken, "GET", "people/me", nil, &me); res.StatusCode != http.StatusOK || me.ID != w.bob.ID {
		t.Fatalf("a fresh integration token: %d", res.StatusCode)
	}
	// The per-token budget: a burst of 300, then 429 until it refills.
	limited := false
	for range 310 {
		if res := w.do(t, w.ann.Token, "GET", "people/me", nil, &me); res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("310 calls at once were not limited")
	}
	w.advance(t, time.Minute)
	if res := w.do(t, w.ann.Token, "GET", "people/me", nil, &me); res.StatusCode != http.StatusOK || me.ID != w.ann.ID {
		t.Fatalf("after the window: %d", res.StatusCode)
	}

	w.advance(t, 14*24*time.Hour)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, w.emu.APIURL()+"people/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var fail struct {
		Message string `json:"message"`
	}
	if res.StatusCode != http.StatusUnauthorized || json.NewDecoder(res.Body).Decode(&fail) != nil || !strings.Contains(fail.Message, "valid access token") {
		t.Fatalf("an integration token 14 days on: %d %+v", res.StatusCode, fail)
	}
	for _, who := range []string{w.ann.Token, w.bot.Token} {
		if res := w.do(t, who, "GET", "people/me", nil, &me); res.StatusCode != http.StatusOK {
			t.Fatalf("setup token 14 days on: %d", res.StatusCode)
		}
	}
	// The refresh token (90 days) still mints a new pair.
	fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh after the jump: %v", err)
	}
	if res := w.do(t, fresh.AccessToken, "GET", "people/me", nil, &me); res.StatusCode != http.StatusOK {
		t.Fatalf("refreshed token: %d", res.StatusCode)
	}
	// A sign-in after the jump gives an ID token stamped on the relying
	// party's clock, which did not jump.
	v = oauth2.GenerateVerifier()
	cb, err = webexemu.Approve(ctx, w.srv.Client(), conf.AuthCodeURL("s2", oauth2.S256ChallengeOption(v)), "ann@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: conf.ClientID, Now: clk.now}).Verify(ctx, signed.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("ID token after the jump: %v", err)
	}
	if idt.IssuedAt.After(clk.now().Add(time.Minute)) {
		t.Fatalf("ID token issued at %s, in the relying party's future (%s)", idt.IssuedAt, clk.now())
	}
}

// TestClockJumpSendsDueRedeliveries runs Webex's default schedule (1 s,
// 10 s, 60 s) against a target that fails: the retries an emulator-clock
// minute away come when the clock is advanced past them, byte for byte the
// same as the first attempt, and the last failure is given up.
func TestClockJumpSendsDueRedeliveries(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	w.register(t, w.bob.Token, "created", "k")
	w.got.setStatus(http.StatusServiceUnavailable)
	before := w.emu.DeliveryStats()
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "x"}, nil)
	// failed waits until n attempts have failed: the emulator has then
	// noted when the last one did, which its next retry is timed from.
	failed := func(n int64) {
		t.Helper()
		waitFor(t, fmt.Sprintf("%d failed deliveries", n), func() bool { return w.emu.DeliveryStats().Failures-before.Failures >= n })
	}
	failed(1)
	w.advance(t, time.Second)
	failed(2)
	w.advance(t, 9*time.Second)
	// A short look shows a retry that came before its 10 s.
	time.Sleep(100 * time.Millisecond)
	if n := len(w.got.all()); n != 2 {
		t.Fatalf("%d deliveries before the second retry was due", n)
	}
	w.advance(t, time.Second)
	failed(3)
	w.advance(t, time.Minute)
	failed(4)
	waitFor(t, "given up", func() bool { return w.emu.DeliveryStats().GivenUp-before.GivenUp == 1 })
	all := w.got.all()
	for i, p := range all[1:] {
		if string(p.body) != string(all[0].body) || p.sig != all[0].sig {
			t.Fatalf("redelivery %d differs from the first attempt", i+1)
		}
	}
}
