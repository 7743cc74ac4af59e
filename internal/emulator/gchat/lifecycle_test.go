package gchat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

// control POSTs body to the control API path and returns the status.
func (ev *env) control(path, body string) int {
	ev.t.Helper()
	res, err := ev.srv.Client().Post(ev.emu.ControlURL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		ev.t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// advance moves the emulator's clock over its control API.
func (ev *env) advance(d time.Duration) {
	ev.t.Helper()
	if st := ev.control("clock", fmt.Sprintf(`{"advance_seconds":%d}`, int(d/time.Second))); st != http.StatusOK {
		ev.t.Fatalf("advance the clock: %d", st)
	}
}

func (ev *env) eventsService() *workspaceevents.Service {
	ev.t.Helper()
	svc, err := workspaceevents.NewService(context.Background(), option.WithEndpoint(ev.emu.WorkspaceEventsURL()),
		option.WithHTTPClient(ev.appClient("https://www.googleapis.com/auth/chat.app.messages.readonly")))
	if err != nil {
		ev.t.Fatal(err)
	}
	return svc
}

// pushTypes lists the ce-type of each push, and the subscription
// resource of lifecycle events.
func pushTypes(t *testing.T, got []received) ([]string, []map[string]any) {
	t.Helper()
	var types []string
	var subs []map[string]any
	for _, r := range got {
		p, data := decodePush(t, r)
		types = append(types, p.Message.Attributes["ce-type"])
		sub, _ := data["subscription"].(map[string]any)
		subs = append(subs, sub)
	}
	return types, subs
}

func TestClockExpiresAppTokenAndResetsLimits(t *testing.T) {
	ev := newEnv(t)
	app := ev.appService()
	if _, err := app.Spaces.Get(ev.space.Name).Do(); err != nil {
		t.Fatal(err)
	}
	alice := ev.userService(ev.alice)
	var limited error
	// The burst, plus what refills (1/s) while the loop runs.
	for i := 0; i < 3*int(spaceWrites.Burst) && limited == nil; i++ {
		_, limited = alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "flood"}).Do()
	}
	if code, _ := apiCode(limited); code != http.StatusTooManyRequests {
		t.Fatalf("after the burst: %v", limited)
	}

	ev.advance(time.Hour)

	// The app's cached token (x/oauth2 believes it good for an hour of its
	// own clock) is now past Google's expiry: Google's 401.
	_, err := app.Spaces.Get(ev.space.Name).Do()
	if code, msg := apiCode(err); code != http.StatusUnauthorized || !strings.Contains(msg, "invalid authentication credentials") {
		t.Fatalf("expired app token: %d %s", code, msg)
	}
	// A fresh exchange still works: the assertion is signed on the app's
	// clock, which did not jump.
	if _, err := ev.appService().Spaces.Get(ev.space.Name).Do(); err != nil {
		t.Fatalf("new token after the jump: %v", err)
	}
	// The space's write window refilled.
	for i := range 5 {
		if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "after the jump"}).Do(); err != nil {
			t.Fatalf("write %d after the window passed: %v", i, err)
		}
	}
	// Person tokens do not expire.
	if _, err := alice.Spaces.Get(ev.space.Name).Do(); err != nil {
		t.Fatal(err)
	}
}

func TestSubscriptionRemindsThenExpires(t *testing.T) {
	ev := newEnv(t)
	sub := ev.subscribe(allChatTypes...)
	created, _ := time.Parse(time.RFC3339Nano, sub.CreateTime)
	expire, _ := time.Parse(time.RFC3339Nano, sub.ExpireTime)
	if expire.Sub(created) != 4*time.Hour {
		t.Fatalf("includeResource subscription lives %s, want 4h", expire.Sub(created))
	}
	alice := ev.userService(ev.alice)

	ev.advance(2*time.Hour + 59*time.Minute)
	if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "still watched"}).Do(); err != nil {
		t.Fatal(err)
	}
	ev.advance(time.Minute) // one hour left: the reminder
	got := ev.pushes.waitFor(2)
	types, subs := pushTypes(t, got)
	if types[0] != "google.workspace.chat.message.v1.created" || types[1] != ceExpirationReminder || subs[1]["name"] != sub.Name {
		t.Fatalf("pushes = %v", types)
	}
	p, _ := decodePush(t, got[1])
	if a := p.Message.Attributes; a["ce-source"] != eventsTarget+sub.Name || a["ce-subject"] != eventsTarget+sub.Name ||
		a["ce-time"] != ts(expire.Add(-time.Hour)) {
		t.Fatalf("reminder attributes = %v", a)
	}

	ev.advance(time.Hour)
	got = ev.pushes.waitFor(3)
	if types, subs := pushTypes(t, got); types[2] != ceExpired || subs[2]["name"] != sub.Name {
		t.Fatalf("pushes = %v", types)
	}
	svc := ev.eventsService()
	if _, err := svc.Subscriptions.Get(sub.Name).Do(); !isCode(err, http.StatusNotFound) {
		t.Fatalf("an expired subscription is deleted: get = %v", err)
	}
	if _, err := svc.Subscriptions.Patch(sub.Name, &workspaceevents.Subscription{Ttl: "0s"}).UpdateMask("ttl").Do(); !isCode(err, http.StatusNotFound) {
		t.Fatalf("renewing an expired subscription: %v", err)
	}
	// Nothing reaches an expired subscription: the message posted now is
	// not pushed, the one after a new subscription is.
	lost, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "while expired"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	ev.subscribe(allChatTypes...)
	seen, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "watched again"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got = ev.pushes.waitFor(4)
	_, data := decodePush(t, got[3])
	if name := data["message"].(map[string]any)["name"]; name != seen.Name || name == lost.Name {
		t.Fatalf("after expiry the next push is %v, want %s", name, seen.Name)
	}
}

func TestClockJumpPastExpirySendsBoth(t *testing.T) {
	ev := newEnv(t)
	sub := ev.subscribe(allChatTypes...)
	expire, _ := time.Parse(time.RFC3339Nano, sub.ExpireTime)
	ev.advance(5 * time.Hour)
	got := ev.pushes.waitFor(2)
	types, _ := pushTypes(t, got)
	if len(got) != 2 || types[0] != ceExpirationReminder || types[1] != ceExpired {
		t.Fatalf("pushes = %v, want the reminder then the expiry", types)
	}
	for i, at := range []time.Time{expire.Add(-time.Hour), expire} {
		p, _ := decodePush(t, got[i])
		if p.Message.Attributes["ce-time"] != ts(at) {
			t.Fatalf("push %d ce-time = %s, want %s", i, p.Message.Attributes["ce-time"], ts(at))
		}
		// Stamped on the receiver's clock, the push token still verifies,
		// and was not issued in the receiver's future.
		claims, err := ev.verifyOIDCToken(got[i].header, "https://parley.example/gchat/push")
		if err != nil {
			t.Fatalf("push %d token after the jump: %v", i, err)
		}
		if iat, _ := claims.GetIssuedAt(); iat == nil || iat.After(time.Now().Add(time.Minute)) {
			t.Fatalf("push %d token issued at %v, in the receiver's future", i, iat)
		}
	}
}

func TestSubscriptionRenewal(t *testing.T) {
	ev := newEnv(t)
	sub := ev.subscribe(allChatTypes...)
	svc := ev.eventsService()
	ev.advance(3*time.Hour + 30*time.Minute) // past the reminder
	ev.pushes.waitFor(1)

	renew := func(call *workspaceevents.SubscriptionsPatchCall) *workspaceevents.Subscription {
		t.Helper()
		op, err := call.Do()
		if err != nil {
			t.Fatal(err)
		}
		var got workspaceevents.Subscription
		if err := json.Unmarshal(op.Response, &got); !op.Done || err != nil {
			t.Fatalf("operation = %+v (%v)", op, err)
		}
		return &got
	}
	got := renew(svc.Subscriptions.Patch(sub.Name, &workspaceevents.Subscription{Ttl: "0s"}).UpdateMask("ttl"))
	updated, _ := time.Parse(time.RFC3339Nano, got.UpdateTime)
	expire, _ := time.Parse(time.RFC3339Nano, got.ExpireTime)
	if expire.Sub(updated) != 4*time.Hour || got.State != "ACTIVE" || got.Etag == sub.Etag {
		t.Fatalf("renewed = %+v", got)
	}
	// The maximum holds for renewals, whatever is asked.
	got = renew(svc.Subscriptions.Patch(sub.Name, &workspaceevents.Subscription{Ttl: "36000s"}).UpdateMask("ttl"))
	updated, _ = time.Parse(time.RFC3339Nano, got.UpdateTime)
	expire, _ = time.Parse(time.RFC3339Nano, got.ExpireTime)
	if expire.Sub(updated) != 4*time.Hour {
		t.Fatalf("ttl 10h gave %s", expire.Sub(updated))
	}
	got = renew(svc.Subscriptions.Patch(sub.Name, &workspaceevents.Subscription{ExpireTime: ts(updated.Add(2 * time.Hour))}).UpdateMask("expireTime"))
	if got.ExpireTime != ts(updated.Add(2*time.Hour)) {
		t.Fatalf("expireTime = %s", got.ExpireTime)
	}
	for _, bad := range []struct {
		mask string
		body *workspaceevents.Subscription
	}{
		{"eventTypes", &workspaceevents.Subscription{EventTypes: []string{"google.workspace.chat.message.v1.created"}}},
		{"ttl", &workspaceevents.Subscription{Ttl: "-5s"}},
		{"expireTime", &workspaceevents.Subscription{ExpireTime: ts(updated.Add(-time.Minute))}},
	} {
		if _, err := svc.Subscriptions.Patch(sub.Name, bad.body).UpdateMask(bad.mask).Do(); !isCode(err, http.StatusBadRequest) {
			t.Errorf("patch %s %+v: %v, want 400", bad.mask, bad.body, err)
		}
	}
	// Creating with a longer ttl is held to the maximum too.
	if _, err := svc.Subscriptions.Delete(sub.Name).Do(); err != nil {
		t.Fatal(err)
	}
	op, err := svc.Subscriptions.Create(&workspaceevents.Subscription{
		TargetResource: "//chat.googleapis.com/" + ev.space.Name, EventTypes: allChatTypes, Ttl: "86400s",
		NotificationEndpoint: &workspaceevents.NotificationEndpoint{PubsubTopic: ev.app.PubSubTopic},
		PayloadOptions:       &workspaceevents.PayloadOptions{IncludeResource: true},
	}).Do()
	if err != nil {
		t.Fatal(err)
	}
	var fresh workspaceevents.Subscription
	_ = json.Unmarshal(op.Response, &fresh)
	created, _ := time.Parse(time.RFC3339Nano, fresh.CreateTime)
	expire, _ = time.Parse(time.RFC3339Nano, fresh.ExpireTime)
	if expire.Sub(created) != 4*time.Hour {
		t.Fatalf("created with ttl 24h: lives %s", expire.Sub(created))
	}
	// A renewal restarts the reminders: the renewed subscription is reminded
	// an hour before its new expiry, not never.
	renew(svc.Subscriptions.Patch(fresh.Name, &workspaceevents.Subscription{Ttl: "0s"}).UpdateMask("ttl"))
	ev.advance(3 * time.Hour)
	got2 := ev.pushes.waitFor(2)
	if types, subs := pushTypes(t, got2); types[1] != ceExpirationReminder || subs[1]["name"] != fresh.Name {
		t.Fatalf("pushes = %v", types)
	}
}

func TestSuspendAndReactivate(t *testing.T) {
	ev := newEnv(t)
	sub := ev.subscribe(allChatTypes...)
	svc := ev.eventsService()
	if _, err := svc.Subscriptions.Reactivate(sub.Name, &workspaceevents.ReactivateSubscriptionRequest{}).Do(); !isCode(err, http.StatusBadRequest) {
		t.Fatalf("reactivating an active subscription: %v", err)
	}
	for _, bad := range []string{`{"workspace":"acme.example","reason":"BORED"}`, `{}`, `{"workspace":"acme.example","x":1}`} {
		if st := ev.control("subscriptions/suspend", bad); st != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, st)
		}
	}
	if st := ev.control("subscriptions/suspend", `{"workspace":"acme.example","reason":"ENDPOINT_PERMISSION_DENIED"}`); st != http.StatusOK {
		t.Fatalf("suspend: %d", st)
	}
	got := ev.pushes.waitFor(1)
	types, subs := pushTypes(t, got)
	if types[0] != ceSuspended || subs[0]["name"] != sub.Name || subs[0]["suspensionReason"] != "ENDPOINT_PERMISSION_DENIED" || subs[0]["state"] != "SUSPENDED" {
		t.Fatalf("suspended event = %v %v", types, subs)
	}
	cur, err := svc.Subscriptions.Get(sub.Name).Do()
	if err != nil || cur.State != "SUSPENDED" || cur.SuspensionReason != "ENDPOINT_PERMISSION_DENIED" {
		t.Fatalf("get = %+v, %v", cur, err)
	}
	alice := ev.userService(ev.alice)
	lost, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "while suspended"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	op, err := svc.Subscriptions.Reactivate(sub.Name, &workspaceevents.ReactivateSubscriptionRequest{}).Do()
	if err != nil {
		t.Fatal(err)
	}
	var back workspaceevents.Subscription
	if err := json.Unmarshal(op.Response, &back); err != nil || back.State != "ACTIVE" || back.SuspensionReason != "" || back.ExpireTime != sub.ExpireTime {
		t.Fatalf("reactivated = %+v (%v)", back, err)
	}
	seen, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "active again"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got = ev.pushes.waitFor(2)
	_, data := decodePush(t, got[1])
	if name := data["message"].(map[string]any)["name"]; name != seen.Name || name == lost.Name {
		t.Fatalf("after reactivation the next push is %v, want %s", name, seen.Name)
	}
}

func isCode(err error, code int) bool {
	c, _ := apiCode(err)
	return c == code
}

// TestSignInAfterClockJump: an ID token issued after Google's clock jumped
// is stamped on the relying party's clock, which did not jump.
func TestSignInAfterClockJump(t *testing.T) {
	g := newGoogleRP(t)
	g.advance(30 * 24 * time.Hour)
	verifier := oauth2.GenerateVerifier()
	cb, err := Approve(g.ctx, g.srv.Client(), g.conf.AuthCodeURL("gs", oauth2.S256ChallengeOption(verifier)), "bob@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := g.conf.Exchange(g.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := g.provider.Verifier(&oidc.Config{ClientID: g.conf.ClientID, Now: g.clk.now}).Verify(g.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("ID token after the jump: %v", err)
	}
	if idt.IssuedAt.After(g.clk.now().Add(time.Minute)) {
		t.Fatalf("ID token issued at %s, in the relying party's future (%s)", idt.IssuedAt, g.clk.now())
	}
}

// TestClockJumpSendsDuePushRetries runs Pub/Sub's own backoff (10 s, then
// 20 s, …) against a push endpoint that nacks twice: each retry comes when
// the emulator's clock is advanced past it, and the next message still
// waits behind the one being retried.
func TestClockJumpSendsDuePushRetries(t *testing.T) {
	ev := newEnv(t, func(o *Options) { o.RetryDelays = nil })
	ev.subscribe(allChatTypes...)
	ev.pushes.fail = func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	}
	alice := ev.userService(ev.alice)
	first, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "one"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	second, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "two"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	// failed waits until n pushes have been nacked: the emulator has then
	// noted when, which the next retry is timed from.
	failed := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for ev.emu.pushes.Stats().Failures < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d pushes nacked, want %d", ev.emu.pushes.Stats().Failures, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	failed(1)
	ev.advance(9 * time.Second)
	// A short look shows a retry that came before its 10 s.
	time.Sleep(100 * time.Millisecond)
	if n := len(ev.pushes.all()); n != 1 {
		t.Fatalf("%d pushes before the first retry was due", n)
	}
	ev.advance(time.Second)
	failed(2)
	ev.advance(20 * time.Second)
	got := ev.pushes.waitFor(4)
	var names []string
	for _, r := range got {
		_, data := decodePush(t, r)
		names = append(names, data["message"].(map[string]any)["name"].(string))
	}
	if want := []string{first.Name, first.Name, first.Name, second.Name}; !slices.Equal(names, want) {
		t.Fatalf("pushes of %v, want %v", names, want)
	}
}
