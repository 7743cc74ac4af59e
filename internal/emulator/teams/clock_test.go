package teams

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

func TestClockExpiresTokensAndResetsLimits(t *testing.T) {
	v := newEnv(t)
	ctl := v.e.ControlURL() + "clock"
	botTok, graphTok := v.botToken(), v.graphToken()
	members := convPath(v.team.GeneralChannel.ID) + "/members"
	channels := "/v1.0/teams/" + v.team.ID + "/channels"
	if s, _, _ := v.call("GET", members, botTok, nil); s != http.StatusOK {
		t.Fatalf("connector with a fresh token: %d", s)
	}
	if s, _, body := v.call("GET", channels, graphTok, nil); s != http.StatusOK {
		t.Fatalf("graph with a fresh token: %d %v", s, body)
	}
	// Graph allows a token 50 calls a second.
	limited := false
	for range 60 {
		if s, _, _ := v.call("GET", "/v1.0/me", v.alice.Token, nil); s == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("60 Graph calls in a moment were not throttled")
	}

	for _, bad := range []any{`{"advance_seconds":-3600}`, `{}`, `{"advance_seconds":60,"extra":1}`} {
		if s, _, _ := v.call("POST", ctl, "", bad); s != http.StatusBadRequest {
			t.Errorf("clock %s: %d, want 400", bad, s)
		}
	}
	if s, _, out := v.call("POST", ctl, "", map[string]any{"advance_seconds": 3601}); s != http.StatusOK || out["ok"] != true {
		t.Fatalf("advance the clock: %d %v", s, out)
	}

	if s, _, body := v.call("GET", members, botTok, nil); s != http.StatusUnauthorized || body["message"] != "Authorization has been denied for this request." {
		t.Fatalf("connector with an expired token: %d %v", s, body)
	}
	s, _, body := v.call("GET", channels, graphTok, nil)
	if s != http.StatusUnauthorized || str(body, "error", "code") != "InvalidAuthenticationToken" ||
		!strings.Contains(str(body, "error", "message"), "token is expired") {
		t.Fatalf("graph with an expired token: %d %v", s, body)
	}
	if s, _, _ := v.call("GET", channels, "never-issued", nil); s != http.StatusUnauthorized {
		t.Fatalf("graph with a made-up token: %d", s)
	}
	if s, _, _ := v.call("GET", members, v.botToken(), nil); s != http.StatusOK {
		t.Fatalf("connector with a new token: %d", s)
	}
	// The throttling window passed with the jump; people's delegated
	// tokens do not expire.
	if s, _, body := v.call("GET", "/v1.0/me", v.alice.Token, nil); s != http.StatusOK {
		t.Fatalf("graph after the window: %d %v", s, body)
	}
	// What the bot receives is still signed on its clock: a person's post
	// after the jump arrives and validates (the receiver checks nbf/exp).
	s, _, msg := v.call("POST", channelMsgs(v.team, v.team.GeneralChannel), v.alice.Token, map[string]any{
		"body": map[string]any{"contentType": "html", "content": "<p>after the jump</p>"}})
	if s != http.StatusCreated {
		t.Fatalf("post: %d %v", s, msg)
	}
	v.botRecv.waitFor(func(a activity) bool { return a["type"] == "message" && a["id"] == str(msg, "id") })
}

// TestSignInAfterClockJump: an ID token issued after the emulator's clock
// jumped verifies on the relying party's clock, which did not jump.
func TestSignInAfterClockJump(t *testing.T) {
	s := newSignin(t)
	if st, _, out := s.call("POST", s.e.ControlURL()+"clock", "", map[string]any{"advance_seconds": 7 * 24 * 3600}); st != http.StatusOK {
		t.Fatalf("advance the clock: %d %v", st, out)
	}
	tok := s.login(t, s.conf, "alice@contoso.example")
	if _, err := s.provider.Verifier(&oidc.Config{ClientID: s.app.ClientID, Now: s.clock.Now}).Verify(s.ctx, tok.Extra("id_token").(string)); err != nil {
		t.Fatalf("ID token after the jump: %v", err)
	}
	if status, _ := s.graphGet(t, tok.AccessToken, "/v1.0/me"); status != http.StatusOK {
		t.Fatalf("delegated token after the jump: %d", status)
	}
}

// TestClockJumpSendsDueRedelivery: a redelivery an hour away is made when
// the emulator's clock is advanced past it, and the activity queued behind
// it still waits its turn.
func TestClockJumpSendsDueRedelivery(t *testing.T) {
	v := newEnvRetry(t, []time.Duration{time.Hour})
	v.botRecv.mu.Lock()
	v.botRecv.failNext = 1
	v.botRecv.mu.Unlock()
	before := v.e.activities.Stats()
	path := channelMsgs(v.team, v.team.GeneralChannel)
	_, _, first := v.call("POST", path, v.alice.Token, map[string]any{"body": map[string]any{"content": "one"}})
	_, _, second := v.call("POST", path, v.alice.Token, map[string]any{"body": map[string]any{"content": "two"}})
	messages := func() []any {
		var ids []any
		for _, a := range v.botRecv.all() {
			if a["type"] == "message" {
				ids = append(ids, a["id"])
			}
		}
		return ids
	}
	// Once the failure is counted the emulator has noted when it
	// happened, which the redelivery is timed from.
	deadline := time.Now().Add(5 * time.Second)
	for v.e.activities.Stats().Failures == before.Failures {
		if time.Now().After(deadline) {
			t.Fatal("the first delivery did not fail")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A short look shows a redelivery, or the second activity, that came
	// too early.
	time.Sleep(100 * time.Millisecond)
	if got := messages(); len(got) != 1 {
		t.Fatalf("deliveries before the hour passed: %v", got)
	}
	if s, _, out := v.call("POST", v.e.ControlURL()+"clock", "", map[string]any{"advance_seconds": 3600}); s != http.StatusOK || out["ok"] != true {
		t.Fatalf("advance the clock: %d %v", s, out)
	}
	v.botRecv.waitFor(func(a activity) bool { return a["id"] == second["id"] })
	if got, want := messages(), []any{first["id"], first["id"], second["id"]}; !slices.Equal(got, want) {
		t.Fatalf("deliveries %v, want %v", got, want)
	}
}
