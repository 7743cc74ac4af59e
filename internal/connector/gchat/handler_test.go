package gchat

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/connector/directory"
	"parley/internal/core"
	"parley/internal/secret"
)

const (
	testProject  = "123456789012"
	testAudience = "https://parley.example/gchat/pubsub"
	testPushSA   = "push@parley-test.iam.gserviceaccount.com"
	testSpace    = "spaces/AAAAtest"
	testDomain   = core.WorkspaceID("acme.example")
)

// handlerEnv is the connector's handler with one watched space, keys
// served over TLS, and a recorder as sink.
type handlerEnv struct {
	chatKey, oidcKey testKey
	handler          http.Handler
	events           *conformance.Recorder
	client           *Client
	now              time.Time
}

func newHandlerEnv(t testing.TB) *handlerEnv {
	t.Helper()
	e := &handlerEnv{
		chatKey: newTestKey(t, "chat-kid"),
		oidcKey: newTestKey(t, "oidc-kid"),
		events:  conformance.NewRecorder(),
		now:     time.Now(),
	}
	ks := keyServer(t, e.chatKey, e.oidcKey)
	c := New(Config{
		ServiceAccountKey:  secret.New("unused"),
		ProjectNumber:      testProject,
		PushAudience:       testAudience,
		PushServiceAccount: testPushSA,
		ChatCertsURL:       ks.URL + "/certs",
		OIDCJWKSURL:        ks.URL + "/jwks",
		HTTPClient:         ks.Client(),
		Now:                func() time.Time { return e.now },
	})
	e.client = &Client{conn: c, id: newIdentity("t1", testDomain, time.Now), watched: map[string]bool{},
		Cached: directory.New(nil, nil, directory.Options{})}
	c.bindSpace(testSpace, e.client)
	e.handler = c.Handler(e.events)
	return e
}

func (e *handlerEnv) pushClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "https://accounts.google.com", "aud": testAudience, "email": testPushSA,
		"email_verified": true, "iat": e.now.Unix(), "exp": e.now.Add(time.Hour).Unix(),
		"sub": "1234",
	}
}

func (e *handlerEnv) chatClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "chat@system.gserviceaccount.com", "aud": testProject,
		"iat": e.now.Unix(), "exp": e.now.Add(time.Hour).Unix(),
	}
}

// pushBody builds a Pub/Sub push of a Workspace Event.
func pushBody(t testing.TB, id, typ string, data any) []byte {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{
		"message": map[string]any{
			"attributes": map[string]string{
				"ce-id": id, "ce-type": typ, "ce-source": "//workspaceevents.googleapis.com/subscriptions/chat-sub",
				"ce-subject":     "//chat.googleapis.com/" + testSpace,
				"ce-specversion": "1.0", "ce-time": "2026-11-22T10:00:00Z", "ce-datacontenttype": "application/json",
			},
			"data":      base64.StdEncoding.EncodeToString(raw),
			"messageId": "pubsub-" + id,
		},
		"subscription": "projects/p/subscriptions/s",
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func created(name, text string) map[string]any {
	return map[string]any{"message": map[string]any{
		"name": name, "createTime": "2026-11-22T10:00:00Z", "formattedText": text, "text": text,
		"sender": map[string]any{"name": "users/111", "displayName": "Ann", "type": "HUMAN"},
		"thread": map[string]any{"name": testSpace + "/threads/T1"},
	}}
}

func (e *handlerEnv) do(t testing.TB, path, auth string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

func TestPushVerification(t *testing.T) {
	e := newHandlerEnv(t)
	other := newTestKey(t, "oidc-kid") // same kid, another key: a forgery
	good := func(mod func(jwt.MapClaims)) string {
		c := e.pushClaims()
		if mod != nil {
			mod(c)
		}
		return "Bearer " + e.oidcKey.sign(t, c)
	}
	hs256, err := jwt.NewWithClaims(jwt.SigningMethodHS256, e.pushClaims()).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		auth string
		want int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"not bearer", "Basic abc", http.StatusUnauthorized},
		{"garbage", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"forged signature", "Bearer " + other.sign(t, e.pushClaims()), http.StatusUnauthorized},
		{"hs256", "Bearer " + hs256, http.StatusUnauthorized},
		{"wrong audience", good(func(c jwt.MapClaims) { c["aud"] = "https://evil.example/" }), http.StatusUnauthorized},
		{"wrong issuer", good(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), http.StatusUnauthorized},
		{"wrong service account", good(func(c jwt.MapClaims) { c["email"] = "evil@x.iam.gserviceaccount.com" }), http.StatusUnauthorized},
		{"email not verified", good(func(c jwt.MapClaims) { c["email_verified"] = false }), http.StatusUnauthorized},
		{"expired", good(func(c jwt.MapClaims) { c["exp"] = e.now.Add(-time.Hour).Unix() }), http.StatusUnauthorized},
		{"no expiry", good(func(c jwt.MapClaims) { delete(c, "exp") }), http.StatusUnauthorized},
		{"chat token on push", "Bearer " + e.chatKey.sign(t, e.chatClaims()), http.StatusUnauthorized},
		{"valid", good(nil), http.StatusNoContent},
		{"valid, short issuer", good(func(c jwt.MapClaims) { c["iss"] = "accounts.google.com" }), http.StatusNoContent},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.events.Events())
			id := "ce-" + string(rune('a'+i))
			rec := e.do(t, "/pubsub", tt.auth, pushBody(t, id, ceMessageCreated, created(testSpace+"/messages/M"+id, "hello")))
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			got := len(e.events.Events()) - before
			if wantN := map[bool]int{true: 1, false: 0}[tt.want == http.StatusNoContent]; got != wantN {
				t.Fatalf("%d events relayed, want %d", got, wantN)
			}
		})
	}
}

func TestInteractionVerification(t *testing.T) {
	e := newHandlerEnv(t)
	body := []byte(`{"type":"MESSAGE","space":{"name":"` + testSpace + `"},"message":{"name":"` + testSpace + `/messages/X","text":"@app hi"}}`)
	sign := func(mod func(jwt.MapClaims)) string {
		c := e.chatClaims()
		if mod != nil {
			mod(c)
		}
		return "Bearer " + e.chatKey.sign(t, c)
	}
	tests := []struct {
		name string
		auth string
		body []byte
		want int
	}{
		{"valid", sign(nil), body, http.StatusOK},
		{"wrong project", sign(func(c jwt.MapClaims) { c["aud"] = "999" }), body, http.StatusUnauthorized},
		{"wrong issuer", sign(func(c jwt.MapClaims) { c["iss"] = "evil@system.gserviceaccount.com" }), body, http.StatusUnauthorized},
		{"oidc key", "Bearer " + e.oidcKey.sign(t, e.chatClaims()), body, http.StatusUnauthorized},
		{"expired", sign(func(c jwt.MapClaims) { c["exp"] = e.now.Add(-time.Hour).Unix() }), body, http.StatusUnauthorized},
		{"malformed", sign(nil), []byte(`{"type":`), http.StatusBadRequest},
		{"trailing data", sign(nil), append(append([]byte{}, body...), []byte(`{}`)...), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec := e.do(t, "/events", tt.auth, tt.body); rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
	// One source of truth: interaction MESSAGE events relay nothing.
	if n := len(e.events.Events()); n != 0 {
		t.Fatalf("%d events relayed from interaction events", n)
	}
}

func TestPushHandling(t *testing.T) {
	e := newHandlerEnv(t)
	auth := func() string { return "Bearer " + e.oidcKey.sign(t, e.pushClaims()) }
	msg := pushBody(t, "dup-1", ceMessageCreated, created(testSpace+"/messages/D1", "once"))

	t.Run("first delivery", func(t *testing.T) {
		if rec := e.do(t, "/pubsub", auth(), msg); rec.Code != http.StatusNoContent {
			t.Fatalf("status %d", rec.Code)
		}
	})
	t.Run("replayed event id is ignored", func(t *testing.T) {
		if rec := e.do(t, "/pubsub", auth(), msg); rec.Code != http.StatusNoContent {
			t.Fatalf("status %d", rec.Code)
		}
		if n := len(e.events.Events()); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
	})
	t.Run("sink failure asks for redelivery", func(t *testing.T) {
		e.events.FailAccept(errors.New("bus down"))
		body := pushBody(t, "retry-1", ceMessageCreated, created(testSpace+"/messages/R1", "retry me"))
		if rec := e.do(t, "/pubsub", auth(), body); rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", rec.Code)
		}
		e.events.FailAccept(nil)
		if rec := e.do(t, "/pubsub", auth(), body); rec.Code != http.StatusNoContent {
			t.Fatalf("redelivery status %d", rec.Code)
		}
		if n := len(e.events.Events()); n != 2 {
			t.Fatalf("%d events, want 2", n)
		}
	})
	bad := []struct {
		name string
		body []byte
		want int
	}{
		{"malformed json", []byte(`{"message":`), http.StatusBadRequest},
		{"no message", []byte(`{}`), http.StatusBadRequest},
		{"no cloudevent attributes", []byte(`{"message":{"data":"e30="}}`), http.StatusBadRequest},
		{"bad base64", []byte(`{"message":{"attributes":{"ce-id":"x","ce-type":"t"},"data":"%%%"}}`), http.StatusBadRequest},
		{"too large", append([]byte(`{"message":{"data":"`), bytes.Repeat([]byte("A"), maxBody+10)...), http.StatusRequestEntityTooLarge},
		{"unwatched space", bytes.ReplaceAll(pushBody(t, "u-1", ceMessageCreated, created("spaces/OTHER/messages/1", "x")), []byte(testSpace), []byte("spaces/OTHER")), http.StatusNoContent},
		{"our own message", pushBody(t, "echo-1", ceMessageCreated, map[string]any{"message": map[string]any{
			"name": testSpace + "/messages/E1", "createTime": "2026-11-22T10:00:00Z", "text": "relayed",
			"clientAssignedMessageId": messageIDPrefix + "abc", "sender": map[string]any{"name": "users/app", "type": "BOT"}}}), http.StatusNoContent},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.events.Events())
			if rec := e.do(t, "/pubsub", auth(), tt.body); rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if n := len(e.events.Events()) - before; n != 0 {
				t.Fatalf("%d events relayed", n)
			}
		})
	}
	t.Run("method", func(t *testing.T) {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pubsub", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", rec.Code)
		}
	})
	t.Run("unknown path", func(t *testing.T) {
		if rec := e.do(t, "/other", auth(), msg); rec.Code != http.StatusNotFound {
			t.Fatalf("status %d", rec.Code)
		}
	})
}

// TestSpaceStaysWithItsTenant: space names are global, so another
// tenant's domain client cannot take over a space already bound: its
// events keep going to, and are attributed to, the first tenant.
func TestSpaceStaysWithItsTenant(t *testing.T) {
	e := newHandlerEnv(t)
	intruder := &Client{conn: e.client.conn, id: newIdentity("t2", "intruder.example", time.Now), watched: map[string]bool{},
		Cached: directory.New(nil, nil, directory.Options{})}
	if err := e.client.conn.bindSpace(testSpace, intruder); !errors.Is(err, connector.ErrOtherTenant) {
		t.Fatalf("binding another tenant's client to the space: %v, want ErrOtherTenant", err)
	}
	if cl, ok := e.client.conn.clientForSpace(testSpace); !ok || cl.id.tenant != "t1" {
		t.Fatal("the space changed tenant")
	}
}
