package gchat

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
)

const testProjectNumber = "123456789012"

// env is an emulator on a TLS test server with one domain, two people, a
// space and an app whose interaction and push endpoints are test
// receivers.
type env struct {
	t            *testing.T
	emu          *Emulator
	srv          *httptest.Server
	domain       Domain
	alice, bob   User
	space        Space
	app          App
	interactions *receiver
	pushes       *receiver
}

func newEnv(t *testing.T, tweak ...func(*Options)) *env {
	t.Helper()
	ev := &env{t: t, interactions: newReceiver(t), pushes: newReceiver(t)}
	// httptest TLS servers share one certificate, so the emulator's own
	// test client trusts the receivers.
	ev.srv = httptest.NewUnstartedServer(nil)
	ev.srv.StartTLS()
	opts := Options{HTTPClient: ev.srv.Client(), RetryDelays: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}}
	for _, f := range tweak {
		f(&opts)
	}
	ev.emu = New(opts)
	ev.srv.Config.Handler = ev.emu.Handler()
	ev.emu.SetBaseURL(ev.srv.URL)
	t.Cleanup(func() {
		ev.srv.Close()
		ev.emu.Close()
	})
	ev.domain = ev.emu.AddDomain("acme.example")
	ev.alice = ev.emu.AddUser("acme.example", "Alice Liddell", "alice@acme.example")
	ev.bob = ev.emu.AddUser("acme.example", "Bob Builder", "bob@acme.example")
	ev.space = ev.emu.AddSpace("acme.example", "Partners", ev.alice.Name, ev.bob.Name)
	ev.app = ev.emu.RegisterApp(AppSpec{
		ProjectNumber: testProjectNumber, Name: "Parley",
		InteractionEndpoint: ev.interactions.srv.URL + "/gchat/interaction",
		PushEndpoint:        ev.pushes.srv.URL + "/gchat/push",
		PushAudience:        "https://parley.example/gchat/push",
	})
	if err := ev.emu.AddAppToSpace(ev.app, ev.space.Name); err != nil {
		t.Fatal(err)
	}
	return ev
}

// userService is the official client acting as a person.
func (ev *env) userService(u User) *chat.Service {
	ev.t.Helper()
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ev.srv.Client())
	hc := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: u.Token}))
	svc, err := chat.NewService(context.Background(), option.WithEndpoint(ev.srv.URL+"/"), option.WithHTTPClient(hc))
	if err != nil {
		ev.t.Fatal(err)
	}
	return svc
}

// appClient exchanges the app's service-account key for a token through
// x/oauth2/google, as a real deployment does.
func (ev *env) appClient(scopes ...string) *http.Client {
	ev.t.Helper()
	conf, err := google.JWTConfigFromJSON(ev.app.ServiceAccountKeyJSON, scopes...)
	if err != nil {
		ev.t.Fatal(err)
	}
	if conf.TokenURL != ev.emu.TokenURL() {
		ev.t.Fatalf("token_uri = %q, want %q", conf.TokenURL, ev.emu.TokenURL())
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ev.srv.Client())
	return conf.Client(ctx)
}

func (ev *env) appService(scopes ...string) *chat.Service {
	ev.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"https://www.googleapis.com/auth/chat.bot"}
	}
	svc, err := chat.NewService(context.Background(), option.WithEndpoint(ev.srv.URL+"/"), option.WithHTTPClient(ev.appClient(scopes...)))
	if err != nil {
		ev.t.Fatal(err)
	}
	return svc
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a test endpoint recording what the emulator sends.
type receiver struct {
	t   *testing.T
	srv *httptest.Server

	mu  sync.Mutex
	got []received
	// fail, if set, picks a status for the n-th request (from 1).
	fail func(n int) int
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body})
		n := len(rc.got)
		fail := rc.fail
		rc.mu.Unlock()
		if fail != nil {
			if st := fail(n); st != 0 {
				w.WriteHeader(st)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitFor polls until rc has at least n requests or the deadline passes.
func (rc *receiver) waitFor(n int) []received {
	rc.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := rc.all()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			rc.t.Fatalf("got %d requests, want %d", len(got), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fetchJSON GETs a URL from the emulator and decodes it.
func (ev *env) fetchJSON(url string, v any) {
	ev.t.Helper()
	res, err := ev.srv.Client().Get(url)
	if err != nil {
		ev.t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		ev.t.Fatal(err)
	}
}

// verifyChatToken checks an interaction token with golang-jwt against the
// x509 certs the emulator publishes, as a connector would.
func (ev *env) verifyChatToken(header http.Header) (jwt.MapClaims, error) {
	var certs map[string]string
	ev.fetchJSON(ev.emu.ChatCertsURL(), &certs)
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(bearerOf(header), claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		block, _ := pem.Decode([]byte(certs[kid]))
		if block == nil {
			return nil, errors.New("unknown kid")
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		return cert.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(chatIssuer), jwt.WithAudience(testProjectNumber), jwt.WithExpirationRequired())
	return claims, err
}

// verifyOIDCToken checks a push token against the emulator's JWKS.
func (ev *env) verifyOIDCToken(header http.Header, audience string) (jwt.MapClaims, error) {
	var jwks struct {
		Keys []struct{ Kid, N, E string } `json:"keys"`
	}
	ev.fetchJSON(ev.emu.OIDCJWKSURL(), &jwks)
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(bearerOf(header), claims, func(t *jwt.Token) (any, error) {
		for _, k := range jwks.Keys {
			if k.Kid == t.Header["kid"] {
				n, err1 := base64.RawURLEncoding.DecodeString(k.N)
				e, err2 := base64.RawURLEncoding.DecodeString(k.E)
				if err1 != nil || err2 != nil {
					return nil, errors.New("bad jwk")
				}
				return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
			}
		}
		return nil, errors.New("unknown kid")
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(oidcIssuer), jwt.WithAudience(audience), jwt.WithExpirationRequired())
	return claims, err
}

func bearerOf(h http.Header) string {
	v := h.Get("Authorization")
	if len(v) > 7 && v[:7] == "Bearer " {
		return v[7:]
	}
	return ""
}

// pushed is one decoded Pub/Sub push.
type pushed struct {
	Message struct {
		Attributes  map[string]string `json:"attributes"`
		Data        []byte            `json:"data"`
		MessageID   string            `json:"messageId"`
		PublishTime string            `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

func decodePush(t *testing.T, r received) (pushed, map[string]any) {
	t.Helper()
	var p pushed
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("push body: %v", err)
	}
	var data map[string]any
	if err := json.Unmarshal(p.Message.Data, &data); err != nil {
		t.Fatalf("push data: %v", err)
	}
	return p, data
}
