package teams

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testClock is a settable test clock; it starts at the real time so JWT
// libraries that check exp against the wall clock agree with it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Now().Truncate(time.Millisecond)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an emulator on a TLS test server with one tenant, two people,
// a team with an extra channel, and one bot installed whose endpoint
// validates every activity's JWT.
type env struct {
	t      *testing.T
	e      *Emulator
	srv    *httptest.Server
	client *http.Client
	clock  *testClock

	tenant  Tenant
	alice   User
	bob     User
	team    Team
	random  Channel
	bot     Bot
	botRecv *receiver
	secret  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvRetry(t, []time.Duration{})
}

// newEnvRetry is newEnv with the given redelivery schedule.
func newEnvRetry(t *testing.T, retryDelays []time.Duration) *env {
	t.Helper()
	ck := newClock()
	v := &env{t: t, clock: ck, secret: "s3cret-value"}
	// The delivery client trusts the receivers' test certificates.
	deliver := &http.Client{Transport: &multiTLS{}}
	v.e = New(Options{HTTPClient: deliver, Now: ck.Now, RetryDelays: retryDelays})
	v.srv = httptest.NewTLSServer(v.e.Handler())
	t.Cleanup(func() { v.e.Close(); v.srv.Close() })
	v.e.SetBaseURL(v.srv.URL)
	v.client = v.srv.Client()
	deliver.Transport.(*multiTLS).add(v.srv)

	v.tenant = v.e.AddTenant("Contoso")
	v.alice = v.e.AddUser(v.tenant.ID, "Alice Smith", "alice@contoso.example")
	v.bob = v.e.AddUser(v.tenant.ID, "Bob Jones", "bob@contoso.example")
	v.team = v.e.AddTeam(v.tenant.ID, "Engineering", v.alice.ID, v.bob.ID)
	v.random = v.e.AddChannel(v.tenant.ID, v.team.ID, "Random")
	v.botRecv = newReceiver(t, v)
	deliver.Transport.(*multiTLS).add(v.botRecv.srv)
	v.bot = v.e.RegisterBot(BotSpec{AppSecret: v.secret, Name: "Parley", Endpoint: v.botRecv.srv.URL + "/api/messages"})
	v.botRecv.appID = v.bot.AppID
	if err := v.e.InstallBot(v.bot.AppID, v.team.ID); err != nil {
		t.Fatalf("InstallBot: %v", err)
	}
	v.botRecv.waitFor(func(a activity) bool { return a["type"] == "installationUpdate" })
	return v
}

// multiTLS is a RoundTripper that trusts every added httptest server's
// certificate (each has its own).
type multiTLS struct {
	mu    sync.Mutex
	trips map[string]http.RoundTripper
}

func (m *multiTLS) add(s *httptest.Server) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.trips == nil {
		m.trips = map[string]http.RoundTripper{}
	}
	u, _ := url.Parse(s.URL)
	m.trips[u.Host] = s.Client().Transport
}

func (m *multiTLS) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	rt := m.trips[r.URL.Host]
	m.mu.Unlock()
	if rt == nil {
		return nil, fmt.Errorf("no test server at %s", r.URL.Host)
	}
	return rt.RoundTrip(r)
}

type activity = map[string]any

// receiver is a bot's messaging endpoint that validates each activity's
// JWT with golang-jwt against the emulator's published JWKS, as a real
// bot must.
type receiver struct {
	t     *testing.T
	v     *env
	srv   *httptest.Server
	appID string

	mu       sync.Mutex
	got      []activity
	tokens   []*jwt.Token
	status   int // answer; 0 means 200
	failNext int // answer this many deliveries with 503 first
}

func newReceiver(t *testing.T, v *env) *receiver {
	rc := &receiver{t: t, v: v}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		rc.t.Errorf("activity is not JSON: %v", err)
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	tok, err := rc.v.validateActivityJWT(r.Header.Get("Authorization"), rc.appID, act)
	if err != nil {
		rc.t.Errorf("activity JWT: %v", err)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	rc.got = append(rc.got, act)
	rc.tokens = append(rc.tokens, tok)
	status := rc.status
	if rc.failNext > 0 {
		rc.failNext--
		status = http.StatusServiceUnavailable
	}
	rc.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) all() []activity {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

func (rc *receiver) lastToken() *jwt.Token {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.tokens[len(rc.tokens)-1]
}

// waitFor polls until an activity matching pred has arrived.
func (rc *receiver) waitFor(pred func(activity) bool) activity {
	rc.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, a := range rc.all() {
			if pred(a) {
				return a
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	rc.t.Fatalf("no matching activity arrived; got %d activities", len(rc.all()))
	return nil
}

// validateActivityJWT checks a Bot Connector bearer token the way the
// Bot Framework SDKs do: keys from the OpenID metadata's jwks_uri, RS256,
// issuer, audience, lifetime, the msteams endorsement and the serviceurl
// claim matching the activity.
func (v *env) validateActivityJWT(header, appID string, act activity) (*jwt.Token, error) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, fmt.Errorf("no bearer token")
	}
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(v.e.OpenIDMetadataURL(), &meta); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct {
			Kid          string   `json:"kid"`
			N            string   `json:"n"`
			E            string   `json:"e"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := v.getJSON(meta.JWKSURI, &set); err != nil {
		return nil, err
	}
	tok, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		for _, k := range set.Keys {
			if k.Kid != kid {
				continue
			}
			if !slices.Contains(k.Endorsements, "msteams") {
				return nil, fmt.Errorf("key %s not endorsed for msteams", kid)
			}
			n, err1 := base64.RawURLEncoding.DecodeString(k.N)
			e, err2 := base64.RawURLEncoding.DecodeString(k.E)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("bad jwk")
			}
			return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
		}
		return nil, fmt.Errorf("unknown kid %q", kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(meta.Issuer), jwt.WithAudience(appID),
		jwt.WithExpirationRequired(), jwt.WithLeeway(5*time.Minute))
	if err != nil {
		return nil, err
	}
	claims := tok.Claims.(jwt.MapClaims)
	if claims["serviceurl"] != act["serviceUrl"] {
		return nil, fmt.Errorf("serviceurl claim %v != activity serviceUrl %v", claims["serviceurl"], act["serviceUrl"])
	}
	return tok, nil
}

func (v *env) getJSON(u string, out any) error {
	res, err := v.client.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// call makes an API request and returns the status, headers and decoded
// JSON body (nil when empty).
func (v *env) call(method, path, token string, body any) (int, http.Header, map[string]any) {
	v.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			v.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	u := path
	if !strings.HasPrefix(path, "https://") {
		u = v.srv.URL + path
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, rd)
	if err != nil {
		v.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		var anyv any
		if json.Unmarshal(raw, &anyv) == nil {
			switch x := anyv.(type) {
			case map[string]any:
				out = x
			case []any:
				out = map[string]any{"_array": x}
			}
		}
	}
	return res.StatusCode, res.Header, out
}

// token gets a client-credentials token for the env's bot.
func (v *env) token(tenant, scope string) string {
	v.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {v.bot.AppID}, "client_secret": {v.secret}, "scope": {scope}}
	res, err := v.client.PostForm(v.e.TokenURL(tenant), form)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&out) != nil || out.AccessToken == "" {
		v.t.Fatalf("token: %s", res.Status)
	}
	return out.AccessToken
}

func (v *env) botToken() string   { return v.token(v.tenant.ID, scopeConnector) }
func (v *env) graphToken() string { return v.token(v.tenant.ID, scopeGraph) }

func convPath(conv string) string { return "/v3/conversations/" + url.PathEscape(conv) }

func channelMsgs(team Team, ch Channel) string {
	return "/v1.0/teams/" + team.ID + "/channels/" + url.PathEscape(ch.ID) + "/messages"
}

// str digs a string out of nested JSON maps.
func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[p]
	}
	s, _ := cur.(string)
	return s
}
