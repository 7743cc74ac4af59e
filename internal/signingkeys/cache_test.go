package signingkeys_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/signingkeys"
)

// provider serves a key document over TLS, counts fetches, and can fail
// or stall on demand.
type provider struct {
	srv     *httptest.Server
	fetches atomic.Int32
	mu      sync.Mutex
	doc     []byte
	status  int
	stall   chan struct{} // when set, requests wait for it to close
}

func newProvider(t *testing.T, doc []byte) *provider {
	p := &provider{doc: doc, status: http.StatusOK}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		p.mu.Lock()
		doc, status, stall := p.doc, p.status, p.stall
		p.mu.Unlock()
		if stall != nil {
			<-stall
		}
		w.WriteHeader(status)
		_, _ = w.Write(doc)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) set(doc []byte, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if doc != nil {
		p.doc = doc
	}
	p.status = status
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newCache(p *provider, clk *clock, f signingkeys.Format) *signingkeys.Cache {
	return signingkeys.New(signingkeys.Options{
		URL: p.srv.URL, Format: f, HTTPClient: p.srv.Client(), Now: clk.now,
		MaxAge: time.Hour, MinInterval: time.Minute, MaxStale: 3 * time.Hour,
	})
}

// ask looks up n unknown key IDs at once and fails on any answer but
// ErrUnknownKey.
func ask(t *testing.T, c *signingkeys.Cache, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := c.Key(t.Context(), "forged-"+string(rune('A'+i%26))+string(rune('a'+i/26)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, signingkeys.ErrUnknownKey) {
			t.Fatalf("forged kid: %v, want ErrUnknownKey", err)
		}
	}
}

// TestForgedKidsFetchOnce: 50 tokens naming unknown keys, all at once,
// cause one fetch, at start and again once the interval has passed.
func TestForgedKidsFetchOnce(t *testing.T) {
	p := newProvider(t, jwksDoc(t, jwk(t, "real", rsaKey(t, 0))))
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := newCache(p, clk, signingkeys.JWKS)
	ask(t, c, 50)
	if n := p.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for 50 forged kids on a cold cache, want 1", n)
	}
	ask(t, c, 50)
	if n := p.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches after 100 forged kids within the interval, want 1", n)
	}
	clk.advance(2 * time.Minute)
	ask(t, c, 50)
	if n := p.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches after the interval, want 2", n)
	}
}

// TestRotationAfterInterval: a key published after the last fetch is
// found once the interval has passed, and not before (no fetch then).
func TestRotationAfterInterval(t *testing.T) {
	old, next := rsaKey(t, 0), rsaKey(t, 1)
	p := newProvider(t, x509Doc(t, map[string]*rsa.PrivateKey{"old": old}))
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := newCache(p, clk, signingkeys.X509Map)
	if _, err := c.Key(t.Context(), "old"); err != nil {
		t.Fatal(err)
	}
	p.set(x509Doc(t, map[string]*rsa.PrivateKey{"old": old, "next": next}), http.StatusOK)
	clk.advance(10 * time.Second)
	if _, err := c.Key(t.Context(), "next"); !errors.Is(err, signingkeys.ErrUnknownKey) {
		t.Fatalf("new kid within the interval: %v, want ErrUnknownKey", err)
	}
	clk.advance(time.Minute)
	k, err := c.Key(t.Context(), "next")
	if err != nil {
		t.Fatalf("new kid after the interval: %v", err)
	}
	if !k.Public.(*rsa.PublicKey).Equal(&next.PublicKey) {
		t.Fatal("wrong key for the new kid")
	}
	if n := p.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	// A key the provider withdrew is gone with the next fetch.
	p.set(x509Doc(t, map[string]*rsa.PrivateKey{"next": next}), http.StatusOK)
	clk.advance(time.Hour)
	if _, err := c.Key(t.Context(), "old"); !errors.Is(err, signingkeys.ErrUnknownKey) {
		t.Fatalf("withdrawn kid: %v, want ErrUnknownKey", err)
	}
}

// TestOutageKeepsLastGoodKeys: when the provider fails, the last good keys
// serve for the bounded time past their age, with at most one attempt per
// interval; then the cache refuses; when the provider is back, it serves
// again.
func TestOutageKeepsLastGoodKeys(t *testing.T) {
	p := newProvider(t, jwksDoc(t, jwk(t, "k", rsaKey(t, 0))))
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := newCache(p, clk, signingkeys.JWKS)
	if _, err := c.Key(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	p.set(nil, http.StatusServiceUnavailable)
	clk.advance(time.Hour + time.Second) // due for refresh; the provider is down
	for range 50 {
		if _, err := c.Key(t.Context(), "k"); err != nil {
			t.Fatalf("known key during an outage: %v", err)
		}
	}
	ask(t, c, 50) // forged kids during the outage
	if n := p.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches during the outage's first minute, want 2 (start, one retry)", n)
	}
	clk.advance(2*time.Hour + 58*time.Minute) // just inside MaxAge+MaxStale
	if _, err := c.Key(t.Context(), "k"); err != nil {
		t.Fatalf("known key at the end of the stale window: %v", err)
	}
	clk.advance(2 * time.Minute) // past it
	if _, err := c.Key(t.Context(), "k"); !errors.Is(err, signingkeys.ErrUnavailable) {
		t.Fatalf("known key past the stale window: %v, want ErrUnavailable", err)
	}
	if n := p.fetches.Load(); n != 4 {
		t.Fatalf("%d fetches, want 4", n)
	}
	p.set(nil, http.StatusOK)
	clk.advance(time.Minute)
	if _, err := c.Key(t.Context(), "k"); err != nil {
		t.Fatalf("after the provider is back: %v", err)
	}
}

// TestColdOutage: with no keys ever fetched and the provider down, every
// token is refused, and the provider is asked once per interval.
func TestColdOutage(t *testing.T) {
	p := newProvider(t, []byte("oops"))
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := newCache(p, clk, signingkeys.JWKS)
	for range 50 {
		if _, err := c.Key(t.Context(), "k"); !errors.Is(err, signingkeys.ErrUnavailable) {
			t.Fatalf("%v, want ErrUnavailable", err)
		}
	}
	if n := p.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

// TestSlowRefreshDoesNotStallKnownKeys: while a refresh of stale keys is
// running, tokens with a known key are verified without waiting for it.
func TestSlowRefreshDoesNotStallKnownKeys(t *testing.T) {
	p := newProvider(t, jwksDoc(t, jwk(t, "k", rsaKey(t, 0))))
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := newCache(p, clk, signingkeys.JWKS)
	if _, err := c.Key(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	stall := make(chan struct{})
	p.mu.Lock()
	p.stall = stall
	p.mu.Unlock()
	clk.advance(time.Hour + time.Second)
	leader := make(chan error, 1)
	go func() { _, err := c.Key(context.Background(), "k"); leader <- err }()
	for deadline := time.Now().Add(5 * time.Second); p.fetches.Load() < 2; { // the leader's fetch reached the provider
		if time.Now().After(deadline) {
			t.Fatal("the refresh never reached the provider")
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := c.Key(ctx, "k"); err != nil {
		t.Fatalf("known key during a slow refresh: %v", err)
	}
	// An unknown kid waits for the running refresh, within its context.
	short, cancelShort := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancelShort()
	if _, err := c.Key(short, "other"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unknown kid during a refresh: %v, want the caller's deadline", err)
	}
	close(stall)
	if err := <-leader; err != nil {
		t.Fatal(err)
	}
	if n := p.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

func TestOpenIDMetadataAndEndorsements(t *testing.T) {
	var jwksURL string
	keys := newProvider(t, jwksDoc(t, jwk(t, "bf", rsaKey(t, 0), "msteams")))
	jwksURL = keys.srv.URL + "/keys"
	meta := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"https://api.botframework.com","jwks_uri":"` + jwksURL + `"}`))
	}))
	t.Cleanup(meta.Close)
	c := signingkeys.New(signingkeys.Options{URL: meta.URL, Format: signingkeys.OpenIDJWKS, HTTPClient: meta.Client()})
	k, err := c.Key(t.Context(), "bf")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Endorsements) != 1 || k.Endorsements[0] != "msteams" {
		t.Fatalf("endorsements %v", k.Endorsements)
	}
}
