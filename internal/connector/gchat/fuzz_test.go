package gchat

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

// FuzzPush feeds arbitrary push bodies through the parser and the
// translator: nothing may panic, and whatever is relayed must name a
// message in the watched space.
func FuzzPush(f *testing.F) {
	data := base64.StdEncoding.EncodeToString([]byte(`{"message":{"name":"spaces/S/messages/M","createTime":"2026-11-22T10:00:00Z","formattedText":"*hi* <users/1>","thread":{"name":"spaces/S/threads/T"},"threadReply":true,"sender":{"name":"users/1","type":"HUMAN"},"attachment":[{"contentName":"a","attachmentDataRef":{"resourceName":"r"}}]}}`))
	react := base64.StdEncoding.EncodeToString([]byte(`{"reaction":{"name":"spaces/S/messages/M/reactions/R","user":{"name":"users/1"},"emoji":{"unicode":"👍"}}}`))
	for _, typ := range relayedTypes {
		f.Add(`{"message":{"attributes":{"ce-id":"1","ce-type":"` + typ + `","ce-time":"2026-11-22T10:00:00Z","ce-subject":"//chat.googleapis.com/spaces/S"},"data":"` + data + `"}}`)
		f.Add(`{"message":{"attributes":{"ce-id":"2","ce-type":"` + typ + `","ce-time":"2026-11-22T10:00:00Z"},"data":"` + react + `"}}`)
	}
	f.Add(`{}`)
	f.Add(`{"message":{"data":"!!"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		ce, err := parsePush([]byte(body))
		if err != nil {
			return
		}
		id := newIdentity("t", "d", time.Now)
		ev, ok := translate(context.Background(), ce, id, func(context.Context, string) string { return "" })
		if !ok {
			return
		}
		if ev.Message == "" || spaceOf(string(ev.Message)) != string(ev.Source.Channel) || ev.Time.IsZero() {
			t.Fatalf("relayed a malformed event %+v from %q", ev, body)
		}
	})
}

// FuzzLifecycle feeds arbitrary pushes to the subscription keeper of a
// watched space: nothing may panic, and whatever it takes in leaves the
// space with a step to take.
func FuzzLifecycle(f *testing.F) {
	sub := base64.StdEncoding.EncodeToString([]byte(`{"subscription":{"name":"subscriptions/S1","expireTime":"2026-11-22T14:00:00Z","expire_time":"x"}}`))
	for _, typ := range []string{ceExpirationReminder, ceExpired, ceSuspended, ceLifecyclePrefix + "somethingNew"} {
		f.Add(`{"message":{"attributes":{"ce-id":"1","ce-type":"` + typ + `","ce-time":"2026-11-22T13:00:00Z","ce-source":"//workspaceevents.googleapis.com/subscriptions/S1"},"data":"` + sub + `"}}`)
		f.Add(`{"message":{"attributes":{"ce-id":"2","ce-type":"` + typ + `","ce-source":"//workspaceevents.googleapis.com/subscriptions/S1"},"data":""}}`)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ce, err := parsePush([]byte(body))
		if err != nil {
			return
		}
		c := New(Config{})
		cl := &Client{conn: c, id: newIdentity("t", "d", time.Now), watched: map[string]bool{}}
		c.subs.track("spaces/S", cl, &workspaceevents.Subscription{Name: "subscriptions/S1",
			UpdateTime: "2026-11-22T10:00:00Z", ExpireTime: "2026-11-22T14:00:00Z", State: "ACTIVE"}, true)
		c.subs.lifecycle(ce)
		w := c.subs.spaces["spaces/S"]
		if w.next > stepNone || (w.name == "" && w.next != stepSubscribe) {
			t.Fatalf("after %q: step %s, subscription %q", body, w.next, w.name)
		}
	})
}

// FuzzVerifyTokens: whatever arrives in the Authorization header of an
// interaction or a push, verification neither panics nor accepts a token
// it cannot check: only the seeds' signatures verify.
func FuzzVerifyTokens(f *testing.F) {
	e := newHandlerEnv(f)
	chatTok := "Bearer " + e.chatKey.sign(f, e.chatClaims())
	pushTok := "Bearer " + e.oidcKey.sign(f, e.pushClaims())
	v := e.client.conn.verify
	if v.chatToken(context.Background(), chatTok) != nil || v.pushToken(context.Background(), pushTok) != nil {
		f.Fatal("the seed tokens do not verify")
	}
	f.Add(chatTok)
	f.Add(pushTok)
	f.Add("Bearer eyJhbGciOiJub25lIiwia2lkIjoiY2hhdC1raWQifQ.e30.")
	f.Add("Bearer a.b.c")
	f.Add("bearer  ")
	f.Add("")
	f.Fuzz(func(t *testing.T, authz string) {
		if v.chatToken(context.Background(), authz) == nil && !sameToken(authz, chatTok) {
			t.Fatalf("chat token accepted: %q", authz)
		}
		if v.pushToken(context.Background(), authz) == nil && !sameToken(authz, pushTok) {
			t.Fatalf("push token accepted: %q", authz)
		}
	})
}

// sameToken reports whether got carries the signature of want: base64 is
// malleable in its last bits, so the signature segment is compared after
// decoding.
func sameToken(got, want string) bool {
	_, g, _ := strings.Cut(strings.TrimSpace(got), " ")
	_, w, _ := strings.Cut(want, " ")
	gs, ws := strings.Split(strings.TrimSpace(g), "."), strings.Split(w, ".")
	if len(gs) != 3 || len(ws) != 3 {
		return false
	}
	gsig, err1 := base64.RawURLEncoding.DecodeString(gs[2])
	wsig, err2 := base64.RawURLEncoding.DecodeString(ws[2])
	return err1 == nil && err2 == nil && string(gsig) == string(wsig)
}

// FuzzHandler sends arbitrary bodies, with valid tokens, through the whole
// inbound path (interaction events and Pub/Sub pushes): nothing panics,
// every answer is one Google understands (never a 500), interaction events
// relay nothing, and whatever a push relays is a message of the watched
// space.
func FuzzHandler(f *testing.F) {
	e := newHandlerEnv(f)
	chatTok := "Bearer " + e.chatKey.sign(f, e.chatClaims())
	pushTok := "Bearer " + e.oidcKey.sign(f, e.pushClaims())
	f.Add(false, []byte(`{"type":"MESSAGE","space":{"name":"`+testSpace+`"},"message":{"name":"`+testSpace+`/messages/X","text":"@app hi"}}`))
	f.Add(false, []byte(`{"type":"ADDED_TO_SPACE","space":{"name":"`+testSpace+`"},"user":{"name":"users/1","displayName":"<users/all>"}}`))
	f.Add(true, pushBody(f, "p1", ceMessageCreated, created(testSpace+"/messages/M1", "<users/all> hi")))
	f.Add(true, pushBody(f, "p2", ceMessageCreated, created("spaces/other/messages/M1", "x")))
	f.Add(true, []byte(`{"message":{"attributes":{"ce-type":"google.workspace.chat.message.v1.created"},"data":"e30="}}`))
	f.Add(true, []byte(`{}`))
	f.Fuzz(func(t *testing.T, push bool, body []byte) {
		before := len(e.events.Events())
		path, auth := "/events", chatTok
		if push {
			path, auth = "/pubsub", pushTok
		}
		rec := e.do(t, path, auth, body)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s answered %d to %q", path, rec.Code, body)
		}
		evs := e.events.Events()
		if !push && len(evs) != before {
			t.Fatalf("an interaction event relayed something: %q", body)
		}
		for _, ev := range evs[before:] {
			if string(ev.Source.Channel) != testSpace || (ev.Message != "" && spaceOf(string(ev.Message)) != testSpace) {
				t.Fatalf("relayed %+v from %q", ev, body)
			}
		}
	})
}
