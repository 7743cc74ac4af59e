package gateway

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"parley/internal/bus"
	"parley/internal/config"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	"parley/internal/dispatch"
	"parley/internal/ingest"
	"parley/internal/metrics"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// readyNode is a gateway with its store, bus, consumer and public handler
// (Slack's endpoint and the probes), served over plain HTTP for the test.
type readyNode struct {
	g   *Gateway
	url string
}

func startReadyNode(t *testing.T, openStore func(t *testing.T) store.Store, busOpts bus.Options) *readyNode {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	// A Slack workspace enables Slack's endpoint, the webhook probed here.
	cfg := &config.Config{DataDir: t.TempDir(), Tenants: []config.Tenant{{Workspaces: []config.Workspace{{Platform: core.Slack}}}}}
	g := New(cfg, log)
	g.store = openStore(t)
	t.Cleanup(func() { g.store.Close() })
	busOpts.Logger = log
	if busOpts.URL == "" {
		busOpts.DataDir = g.cfg.DataDir
	}
	var err error
	if g.bus, err = bus.Open(t.Context(), busOpts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.bus.Close() })
	g.metrics = metrics.New()
	kek, err := vault.OpenKEK(t.Context(), filepath.Join(cfg.DataDir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	g.vault = vault.New(kek, g.store)
	g.sink = ingest.Sink{Vault: g.vault, Bus: g.bus, Seen: g.store}
	g.addConnectors(http.DefaultClient)
	g.dispatcher = dispatch.New(dispatch.Options{Bus: g.bus, Vault: g.vault, Store: g.store, Logger: log, MaxAge: time.Hour})
	g.ready = g.newReadiness()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.dispatcher.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(g.publicHandler())
	t.Cleanup(srv.Close)
	return &readyNode{g: g, url: srv.URL}
}

func openSQLite(t *testing.T) store.Store {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// state is what the node answers: /readyz's status, the status and
// Retry-After of an (unsigned) Slack delivery, and /healthz's status.
type state struct {
	readyz, webhook int
	retryAfter      string
	healthz         int
}

var (
	// Ready: the delivery reaches Slack's endpoint, which refuses it for
	// its missing signature.
	ready = state{http.StatusOK, http.StatusUnauthorized, "", http.StatusOK}
	// Not ready: refused before it is read, with when to come back.
	notReady = state{http.StatusServiceUnavailable, http.StatusServiceUnavailable, "5", http.StatusOK}
)

func (n *readyNode) state(t *testing.T) state {
	t.Helper()
	get := func(method, path string) *http.Response {
		req, err := http.NewRequest(method, n.url+path, strings.NewReader(`{"type":"event_callback"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, leak := range []string{"store", "bus", "consumer", "sqlite", "postgres", "nats", "127.0.0.1"} {
			if path != slackconn.EventsPath && strings.Contains(strings.ToLower(string(body)), leak) {
				t.Errorf("%s answers %q: it names %s", path, body, leak)
			}
		}
		return resp
	}
	wh := get(http.MethodPost, slackconn.EventsPath)
	return state{
		readyz:     get(http.MethodGet, "/readyz").StatusCode,
		webhook:    wh.StatusCode,
		retryAfter: wh.Header.Get("Retry-After"),
		healthz:    get(http.MethodGet, "/healthz").StatusCode,
	}
}

// await polls until the node answers want: probes are cached for a
// second, and reconnects take their time.
func (n *readyNode) await(t *testing.T, what string, want state) {
	t.Helper()
	var got state
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = n.state(t); got == want {
			return
		}
	}
	t.Fatalf("%s: node answers %+v, want %+v", what, got, want)
}

// TestNotReadyRefusesWebhooks takes the store and the bus away in each
// mode: /readyz and the platforms' endpoints answer 503 with Retry-After
// (so platforms deliver again) while /healthz stays 200, and where the
// dependency can come back the node is ready again by itself.
func TestNotReadyRefusesWebhooks(t *testing.T) {
	t.Run("SQLite closed", func(t *testing.T) {
		n := startReadyNode(t, openSQLite, bus.Options{})
		n.await(t, "started", ready)
		n.g.store.Close()
		n.await(t, "store closed", notReady)
	})
	t.Run("embedded bus closed", func(t *testing.T) {
		n := startReadyNode(t, openSQLite, bus.Options{})
		n.await(t, "started", ready)
		n.g.bus.Close()
		n.await(t, "bus closed", notReady)
	})
	t.Run("external NATS outage", func(t *testing.T) {
		dir := t.TempDir()
		ns := startNATS(t, -1, dir)
		addr := ns.Addr().(*net.TCPAddr)
		n := startReadyNode(t, openSQLite, bus.Options{URL: "nats://" + addr.String()})
		n.await(t, "started", ready)
		ns.Shutdown()
		ns.WaitForShutdown()
		n.await(t, "NATS down", notReady)
		startNATS(t, addr.Port, dir)
		n.await(t, "NATS back", ready)
	})
	t.Run("PostgreSQL outage", func(t *testing.T) {
		_, raw := pgtest.Schema(t)
		p := newCutProxy(t, raw)
		n := startReadyNode(t, func(t *testing.T) store.Store {
			s, err := postgres.Open(t.Context(), postgres.Options{URL: secret.New(p.url)})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, bus.Options{})
		n.await(t, "started", ready)
		p.cut()
		n.await(t, "PostgreSQL unreachable", notReady)
		p.restore()
		n.await(t, "PostgreSQL back", ready)
	})
}

func startNATS(t *testing.T, port int, dir string) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS did not start")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns
}

// cutProxy stands between the node and PostgreSQL, as a network would: cut
// drops every connection and refuses new ones until restore.
type cutProxy struct {
	url string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
}

func newCutProxy(t *testing.T, raw string) *cutProxy {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	p := &cutProxy{url: u.String(), conns: map[net.Conn]bool{}}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); p.cut(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !p.track(c) {
				c.Close()
				continue
			}
			wg.Go(func() {
				up, err := net.Dial("tcp", target)
				if err != nil || !p.track(up) {
					c.Close()
					return
				}
				go func() { _, _ = io.Copy(up, c); up.Close() }()
				_, _ = io.Copy(c, up)
				c.Close()
			})
		}
	})
	return p
}

// track registers c unless the proxy is cut.
func (p *cutProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}
