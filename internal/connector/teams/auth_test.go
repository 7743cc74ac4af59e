package teams_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	teamsconn "parley/internal/connector/teams"
	"parley/internal/core"
	teamsemu "parley/internal/emulator/teams"
	"parley/internal/richtext"
)

// keyServer publishes Bot Framework-style OpenID metadata and keys whose
// private halves the test holds, so that each forged token can be wrong in
// exactly one way.
type keyServer struct {
	srv        *httptest.Server
	fetches    atomic.Int32    // key set downloads
	down       atomic.Bool     // when set, both documents answer 503
	good       *rsa.PrivateKey // endorsed for msteams
	unendorsed *rsa.PrivateKey // endorsed for another channel only
}

func newKeyServer(t testing.TB) *keyServer {
	t.Helper()
	k := &keyServer{good: rsaKey(t), unendorsed: rsaKey(t)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, r *http.Request) {
		if k.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, map[string]any{"issuer": "https://api.botframework.com", "jwks_uri": k.srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		k.fetches.Add(1)
		if k.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, map[string]any{"keys": []any{
			publicJWK("good", &k.good.PublicKey, []string{"msteams", "webchat"}),
			publicJWK("unendorsed", &k.unendorsed.PublicKey, []string{"skype"}),
		}})
	})
	k.srv = httptest.NewTLSServer(mux)
	t.Cleanup(k.srv.Close)
	return k
}

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func publicJWK(kid string, pub *rsa.PublicKey, endorsements []string) map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "kid": kid,
		"n":            base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"endorsements": endorsements,
	}
}

// authEnv is a connector that trusts the key server, installed for the
// emulator's tenant (whose token endpoint it still uses).
type authEnv struct {
	*env
	keys    *keyServer
	conn    *teamsconn.Connector
	handler http.Handler
	events  *conformance.Recorder
}

func newAuthEnv(t testing.TB) *authEnv {
	t.Helper()
	e := newEnv(t)
	a := &authEnv{env: e, keys: newKeyServer(t), events: conformance.NewRecorder()}
	cfg := e.config()
	cfg.OpenIDMetadataURL = a.keys.srv.URL + "/openid"
	a.conn = teamsconn.New(cfg)
	a.handler = a.conn.Handler(a.events)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := a.conn.Install(ctx, connector.Installation{Tenant: "tenant-auth", Workspace: core.WorkspaceID(e.tenant.ID)}); err != nil {
		t.Fatalf("install: %v", err)
	}
	return a
}

// claims are those of a valid Bot Connector token for the env's bot.
func (a *authEnv) claims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "https://api.botframework.com", "aud": a.bot.AppID,
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
		"serviceurl": a.emu.ServiceURL(),
	}
}

func sign(t testing.TB, claims jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// activity is a person's channel message as Teams delivers it.
func (a *authEnv) activity(id, text string) map[string]any {
	return map[string]any{
		"type": "message", "id": id, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"serviceUrl": a.emu.ServiceURL(), "channelId": "msteams",
		"from":         map[string]any{"id": a.person.BotID, "name": a.person.Name, "aadObjectId": a.person.ID},
		"recipient":    map[string]any{"id": "28:" + a.bot.AppID, "name": "Parley"},
		"conversation": map[string]any{"id": a.channel.ID + ";messageid=" + id, "conversationType": "channel", "tenantId": a.tenant.ID, "isGroup": true},
		"text":         text, "textFormat": "plain",
		"channelData": map[string]any{"tenant": map[string]any{"id": a.tenant.ID},
			"channel": map[string]any{"id": a.channel.ID}, "team": map[string]any{"id": a.team.GeneralChannel.ID}},
	}
}

func (a *authEnv) post(t *testing.T, authz string, body []byte) int {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec.Code
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestForgedTokens sends one activity per way a token can be wrong; each
// is refused and none reaches the sink, while a correct one (the control)
// does.
func TestForgedTokens(t *testing.T) {
	a := newAuthEnv(t)
	good := func(mod func(jwt.MapClaims)) string {
		c := a.claims()
		if mod != nil {
			mod(c)
		}
		return "Bearer " + sign(t, c, "good", a.keys.good)
	}
	stranger := rsaKey(t)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, a.claims())
	hs.Header["kid"] = "good"
	pubDER, err := x509.MarshalPKIXPublicKey(&a.keys.good.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	hsToken, err := hs.SignedString(pubDER)
	if err != nil {
		t.Fatal(err)
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, a.claims())
	none.Header["kid"] = "good"
	noneToken, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	rs384 := jwt.NewWithClaims(jwt.SigningMethodRS384, a.claims())
	rs384.Header["kid"] = "good"
	rs384Token, err := rs384.SignedString(a.keys.good)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		authz string
		mod   func(map[string]any) // changes the activity
		want  int
	}{
		{"no token", "", nil, http.StatusUnauthorized},
		{"not bearer", "Basic " + base64.StdEncoding.EncodeToString([]byte("a:b")), nil, http.StatusUnauthorized},
		{"garbage", "Bearer not.a.jwt", nil, http.StatusUnauthorized},
		{"unknown signing key", "Bearer " + sign(t, a.claims(), "stranger", stranger), nil, http.StatusUnauthorized},
		{"forged signature with a known kid", "Bearer " + sign(t, a.claims(), "good", stranger), nil, http.StatusUnauthorized},
		{"wrong issuer", good(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), nil, http.StatusUnauthorized},
		{"wrong audience", good(func(c jwt.MapClaims) { c["aud"] = "another-app" }), nil, http.StatusUnauthorized},
		{"expired", good(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() }), nil, http.StatusUnauthorized},
		{"no expiry", good(func(c jwt.MapClaims) { delete(c, "exp") }), nil, http.StatusUnauthorized},
		{"not yet valid", good(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() }), nil, http.StatusUnauthorized},
		{"alg none", "Bearer " + noneToken, nil, http.StatusUnauthorized},
		{"HS256 keyed with the public key", "Bearer " + hsToken, nil, http.StatusUnauthorized},
		{"RS384", "Bearer " + rs384Token, nil, http.StatusUnauthorized},
		{"key not endorsed for Teams", "Bearer " + sign(t, a.claims(), "unendorsed", a.keys.unendorsed), nil, http.StatusForbidden},
		{"no serviceurl claim", good(func(c jwt.MapClaims) { delete(c, "serviceurl") }), nil, http.StatusForbidden},
		{"serviceUrl mismatch", good(nil), func(act map[string]any) { act["serviceUrl"] = "https://smba.trafficmanager.net/evil/" }, http.StatusForbidden},
		{"token for another serviceUrl", good(func(c jwt.MapClaims) { c["serviceurl"] = "https://other.example/" }), nil, http.StatusForbidden},
		{"not from Teams", good(nil), func(act map[string]any) { act["channelId"] = "webchat" }, http.StatusForbidden},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act := a.activity("forged-"+string(rune('a'+i)), "forged "+tt.name)
			if tt.mod != nil {
				tt.mod(act)
			}
			if got := a.post(t, tt.authz, mustJSON(t, act)); got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
		})
	}
	if n := len(a.events.Events()); n != 0 {
		t.Fatalf("%d forged activities reached the sink", n)
	}

	t.Run("control", func(t *testing.T) {
		if got := a.post(t, good(nil), mustJSON(t, a.activity("genuine-1", "genuine"))); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		evs := a.events.Events()
		if len(evs) != 1 || evs[0].Kind != core.Posted || !strings.Contains(plainOf(evs[0]), "genuine") {
			t.Fatalf("events %d, want the genuine post", len(evs))
		}
	})
}

// TestReplayedWithOtherServiceURL takes an activity the emulator really
// signed and delivered, and sends it again with its serviceUrl changed:
// the token vouches for the original one only.
func TestReplayedWithOtherServiceURL(t *testing.T) {
	e := newEnv(t)
	h := e.harness(&textLog{})
	id, err := h.Person.Post(t.Context(), "replay me")
	if err != nil {
		t.Fatal(err)
	}
	var d delivery
	waitFor(t, "the delivery", func() bool {
		var ok bool
		d, ok = e.capture.Find(`"id":"` + string(id) + `"`)
		return ok
	})
	var act map[string]any
	if err := json.Unmarshal(d.Body, &act); err != nil {
		t.Fatal(err)
	}
	act["serviceUrl"] = "https://smba.trafficmanager.net/evil/"
	act["id"] = "replayed-" + string(id)
	before := len(e.events.Events())
	rec := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/messages", bytes.NewReader(mustJSON(t, act)))
	req.Header.Set("Authorization", d.Header.Get("Authorization"))
	e.conn.Handler(e.events).ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", rec.Code)
	}
	if n := len(e.events.Events()); n != before {
		t.Fatalf("the replay reached the sink")
	}
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		tm := time.NewTimer(20 * time.Millisecond)
		select {
		case <-t.Context().Done():
			tm.Stop()
			t.Fatal(t.Context().Err())
		case <-tm.C:
		}
	}
}

func plainOf(ev core.Event) string { return richtext.RenderPlain(ev.Body) }

// TestUnknownKidRefreshIsBounded: tokens naming unknown keys make the
// connector look for new keys, but not more than once every few seconds,
// so forgeries cannot turn it against Microsoft's key endpoint.
func TestUnknownKidRefreshIsBounded(t *testing.T) {
	a := newAuthEnv(t)
	stranger := rsaKey(t)
	for i := range 5 {
		authz := "Bearer " + sign(t, a.claims(), "stranger-"+string(rune('a'+i)), stranger)
		if got := a.post(t, authz, mustJSON(t, a.activity("unknown-kid-"+string(rune('a'+i)), "x"))); got != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", got)
		}
	}
	if n := a.keys.fetches.Load(); n < 1 || n > 2 {
		t.Fatalf("%d key set downloads for 5 unknown kids, want 1 or 2", n)
	}
}

// TestKeyFetchesUnderForgery: 50 forged tokens with unknown key IDs, all
// at once, make the connector download Microsoft's keys at most once; when
// the key endpoint goes down the last good keys keep verifying for a
// bounded time, and after it tokens are refused (503: Teams retries).
func TestKeyFetchesUnderForgery(t *testing.T) {
	a := newAuthEnv(t)
	stranger := rsaKey(t)
	claims := func() jwt.MapClaims {
		c, now := a.claims(), a.clock.now()
		c["iat"], c["nbf"], c["exp"] = now.Unix(), now.Add(-time.Minute).Unix(), now.Add(time.Hour).Unix()
		return c
	}
	forge := func(n int) {
		t.Helper()
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for i := range n {
			id := fmt.Sprintf("forged-%d-%d", a.keys.fetches.Load(), i)
			authz := "Bearer " + sign(t, claims(), "kid-"+id, stranger)
			body := mustJSON(t, a.activity(id, "x"))
			wg.Go(func() { statuses <- a.post(t, authz, body) })
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s != http.StatusUnauthorized {
				t.Fatalf("forged token answered %d, want 401", s)
			}
		}
	}
	forge(50)
	if n := a.keys.fetches.Load(); n != 1 {
		t.Fatalf("%d key set downloads for 50 forged kids, want 1", n)
	}
	valid := func(id string) int {
		return a.post(t, "Bearer "+sign(t, claims(), "good", a.keys.good), mustJSON(t, a.activity(id, "genuine")))
	}
	if s := valid("genuine-1"); s != http.StatusOK {
		t.Fatalf("genuine activity answered %d", s)
	}
	forge(50)
	if n := a.keys.fetches.Load(); n != 1 {
		t.Fatalf("%d key set downloads after 100 forged kids, want 1", n)
	}

	// Microsoft's key endpoint goes down for good.
	a.keys.down.Store(true)
	a.clock.advance(25 * time.Hour) // the keys are due for refresh
	if s := valid("genuine-2"); s != http.StatusOK {
		t.Fatalf("genuine activity during the outage answered %d, want 200 (last good keys)", s)
	}
	forge(50)
	a.clock.advance(7 * time.Hour) // past the bounded time
	if s := valid("genuine-3"); s != http.StatusServiceUnavailable {
		t.Fatalf("genuine activity long into the outage answered %d, want 503", s)
	}
}

// TestSigningKeyRotation: after Microsoft rotates its signing key, the
// first activity signed with the new key makes the connector fetch the
// key set again, and it is accepted.
func TestSigningKeyRotation(t *testing.T) {
	e := newEnv(t)
	h := e.harness(&textLog{})
	first, err := h.Person.Post(t.Context(), "before rotation")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "event before rotation", func() bool { return hasPost(e.events, first) })
	e.emu.RotateSigningKey()
	// Refreshes for unknown keys are spaced; move past the spacing.
	e.clock.advance(2 * time.Minute)
	second, err := h.Person.Post(t.Context(), "after rotation")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "event after rotation", func() bool { return hasPost(e.events, second) })
}

func hasPost(r *conformance.Recorder, id core.MessageID) bool {
	for _, ev := range r.Events() {
		if ev.Kind == core.Posted && ev.Message == id {
			return true
		}
	}
	return false
}

// TestSingleTenantBotStaysHome: Entra issues a single-tenant bot tokens
// only in its home tenant, so installing it in another tenant fails at
// once, saying why, instead of at the first message.
func TestSingleTenantBotStaysHome(t *testing.T) {
	e := newEnv(t)
	e.emu.RegisterApp(teamsemu.AppSpec{ClientID: e.bot.AppID, ClientSecret: appSecret, Name: "Parley", HomeTenant: e.tenant.ID})
	other := e.emu.AddTenant("Elsewhere")
	conn := teamsconn.New(e.config())
	if _, err := conn.Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID)}); err != nil {
		t.Fatalf("install at home: %v", err)
	}
	_, err := conn.Install(t.Context(), connector.Installation{Tenant: "t2", Workspace: core.WorkspaceID(other.ID)})
	if !errors.Is(err, connector.ErrPermanent) || !strings.Contains(err.Error(), "multi-tenant") {
		t.Fatalf("install elsewhere = %v, want a permanent error that says what to do", err)
	}
}
