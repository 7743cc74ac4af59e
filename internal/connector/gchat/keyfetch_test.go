package gchat

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// googleKeys publishes Chat's x509 certificates and the OIDC JWKS like
// keyServer does, counting downloads of each and able to go down.
type googleKeys struct {
	srv                *httptest.Server
	certFetches, jwksF atomic.Int32
	down               atomic.Bool
}

func newGoogleKeys(t *testing.T, chatKey, oidcKey testKey) *googleKeys {
	t.Helper()
	g := &googleKeys{}
	certs := map[string]string{chatKey.kid: chatKey.certPEM(t)}
	enc := base64.RawURLEncoding
	jwksDoc := map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": oidcKey.kid, "alg": "RS256", "use": "sig",
		"n": enc.EncodeToString(oidcKey.priv.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(oidcKey.priv.E)).Bytes()),
	}}}
	serve := func(n *atomic.Int32, doc any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			if g.down.Load() {
				http.Error(w, "backend error", http.StatusInternalServerError)
				return
			}
			_ = json.NewEncoder(w).Encode(doc)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/certs", serve(&g.certFetches, certs))
	mux.HandleFunc("/jwks", serve(&g.jwksF, jwksDoc))
	g.srv = httptest.NewTLSServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

// TestKeyFetchesUnderForgery: 50 forged tokens with unknown key IDs, sent
// at once to each endpoint, make the connector download Google's keys at
// most once, even while Google's key endpoints fail; during an outage the
// last good keys verify for a bounded time, then deliveries are refused
// with 503 so that Google delivers them again.
func TestKeyFetchesUnderForgery(t *testing.T) {
	e := newHandlerEnv(t)
	g := newGoogleKeys(t, e.chatKey, e.oidcKey)
	var mu sync.Mutex
	clock := e.now
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	c := New(Config{
		ServiceAccountKey: e.client.conn.cfg.ServiceAccountKey, ProjectNumber: testProject,
		PushAudience: testAudience, PushServiceAccount: testPushSA,
		ChatCertsURL: g.srv.URL + "/certs", OIDCJWKSURL: g.srv.URL + "/jwks",
		HTTPClient: g.srv.Client(), Now: now,
	})
	c.bindSpace(testSpace, e.client)
	h := c.Handler(e.events)
	post := func(path, auth string, body []byte) int {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	interaction := []byte(`{"type":"MESSAGE","space":{"name":"` + testSpace + `"},"message":{"name":"` + testSpace + `/messages/X","text":"hi"}}`)
	chatClaims := func() jwt.MapClaims {
		n := now()
		return jwt.MapClaims{"iss": "chat@system.gserviceaccount.com", "aud": testProject, "iat": n.Unix(), "exp": n.Add(time.Hour).Unix()}
	}
	pushClaims := func() jwt.MapClaims {
		n := now()
		return jwt.MapClaims{"iss": "https://accounts.google.com", "aud": testAudience, "email": testPushSA,
			"email_verified": true, "iat": n.Unix(), "exp": n.Add(time.Hour).Unix(), "sub": "1"}
	}
	forger := newTestKey(t, "unused")
	forge := func(round int) {
		t.Helper()
		var wg sync.WaitGroup
		codes := make(chan int, 100)
		for i := range 50 {
			chatTok := testKey{kid: fmt.Sprintf("forged-chat-%d-%d", round, i), priv: forger.priv}.sign(t, chatClaims())
			pushTok := testKey{kid: fmt.Sprintf("forged-push-%d-%d", round, i), priv: forger.priv}.sign(t, pushClaims())
			body := pushBody(t, fmt.Sprintf("forged-%d-%d", round, i), ceMessageCreated, created(testSpace+"/messages/F", "x"))
			wg.Go(func() { codes <- post("/events", "Bearer "+chatTok, interaction) })
			wg.Go(func() { codes <- post("/pubsub", "Bearer "+pushTok, body) })
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != http.StatusUnauthorized && code != http.StatusServiceUnavailable {
				t.Fatalf("forged token answered %d", code)
			}
		}
	}
	fetches := func() (int32, int32) { return g.certFetches.Load(), g.jwksF.Load() }

	// Google's key endpoints are down from the start: one attempt each.
	g.down.Store(true)
	forge(1)
	if c, j := fetches(); c != 1 || j != 1 {
		t.Fatalf("%d certificate and %d JWKS downloads for 100 forged tokens while Google fails, want 1 and 1", c, j)
	}
	g.down.Store(false)
	advance(2 * time.Minute)
	validChat := func() int { return post("/events", "Bearer "+e.chatKey.sign(t, chatClaims()), interaction) }
	validPush := func(id string) int {
		return post("/pubsub", "Bearer "+e.oidcKey.sign(t, pushClaims()), pushBody(t, id, ceMessageCreated, created(testSpace+"/messages/"+id, "hello")))
	}
	if code := validChat(); code != http.StatusOK {
		t.Fatalf("genuine interaction answered %d", code)
	}
	if code := validPush("V1"); code != http.StatusNoContent {
		t.Fatalf("genuine push answered %d", code)
	}
	forge(2)
	if c, j := fetches(); c != 2 || j != 2 {
		t.Fatalf("%d certificate and %d JWKS downloads, want 2 and 2", c, j)
	}

	// Google fails again, for hours: the last good keys verify for a
	// bounded time past their hour, then deliveries are refused.
	g.down.Store(true)
	advance(61 * time.Minute)
	if code := validChat(); code != http.StatusOK {
		t.Fatalf("genuine interaction during the outage answered %d, want 200 (last good keys)", code)
	}
	if code := validPush("V2"); code != http.StatusNoContent {
		t.Fatalf("genuine push during the outage answered %d, want 204 (last good keys)", code)
	}
	forge(3)
	if c, j := fetches(); c != 3 || j != 3 {
		t.Fatalf("%d certificate and %d JWKS downloads during the outage, want 3 and 3", c, j)
	}
	advance(7 * time.Hour)
	if code := validChat(); code != http.StatusServiceUnavailable {
		t.Fatalf("genuine interaction long into the outage answered %d, want 503", code)
	}
	if code := validPush("V3"); code != http.StatusServiceUnavailable {
		t.Fatalf("genuine push long into the outage answered %d, want 503", code)
	}
}
