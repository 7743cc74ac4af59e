package gchat_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	gchatconn "parley/internal/connector/gchat"
	"parley/internal/core"
)

// waitFor polls until ok holds or the deadline passes.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		tm := time.NewTimer(20 * time.Millisecond)
		<-tm.C
	}
}

func (e *env) count(kind core.Kind, id core.MessageID) int {
	n := 0
	for _, ev := range e.events.Events() {
		if ev.Kind == kind && ev.Message == id {
			n++
		}
	}
	return n
}

// TestInboundOnce checks that a message reaches Parley exactly once: a
// second Watch adds no second subscription, a mention of the app (which
// also sends an interaction MESSAGE event) is not relayed twice, and
// replayed or forged pushes relay nothing.
func TestInboundOnce(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	api := e.userAPI(t, e.person.Token)
	p := &person{api: api, user: e.person, space: e.space.Name, texts: &textLog{}}
	// Watching again must not add a second subscription.
	if err := e.client.(*gchatconn.RelayClient).Watch(ctx, core.ChannelID(e.space.Name)); err != nil {
		t.Fatalf("second watch: %v", err)
	}
	id, err := p.Post(ctx, "hello <"+e.app.UserName+"> once")
	if err != nil {
		t.Fatal(err)
	}
	barrier, err := p.Post(ctx, "barrier")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "barrier event", func() bool { return e.count(core.Posted, barrier) == 1 })
	if n := e.count(core.Posted, id); n != 1 {
		t.Fatalf("message relayed %d times, want once", n)
	}

	// The app's interaction events (ADDED_TO_SPACE, the MESSAGE of the
	// mention) were verified and accepted, not rejected.
	if logs := e.logs.String(); strings.Contains(logs, "rejected") {
		t.Fatalf("genuine deliveries were rejected: %s", logs)
	}

	pushes := e.pushes.All()
	if len(pushes) == 0 {
		t.Fatal("no push captured")
	}
	first := pushes[0]
	before := len(e.events.Events())
	send := func(auth string) int {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.appSrv.URL+"/gchat/pubsub", bytes.NewReader(first.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		resp, err := e.httpCli.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("replayed push", func(t *testing.T) {
		if got := send(first.Header.Get("Authorization")); got/100 != 2 {
			t.Fatalf("status %d", got)
		}
	})
	t.Run("forged push", func(t *testing.T) {
		tok := strings.TrimPrefix(first.Header.Get("Authorization"), "Bearer ")
		parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		forged := jwt.NewWithClaims(jwt.SigningMethodRS256, parsed.Claims)
		forged.Header["kid"] = parsed.Header["kid"]
		s, err := forged.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		if got := send("Bearer " + s); got != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", got)
		}
	})
	if n := len(e.events.Events()) - before; n != 0 {
		t.Fatalf("%d events relayed from replayed or forged pushes", n)
	}
}
