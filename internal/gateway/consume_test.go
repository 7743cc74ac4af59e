package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/bus"
	"parley/internal/catchup"
	"parley/internal/config"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/forensic"
	"parley/internal/metrics"
	"parley/internal/msgmap"
	"parley/internal/richtext"
	"parley/internal/router"
	"parley/internal/store"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// node is the part of a gateway that carries events from the bus to the
// router, over a real store, key file and embedded bus in one data
// directory, with no platform attached.
type node struct {
	g   *Gateway
	dir string
}

func openNode(t *testing.T, dir string, st func(store.Store) store.Store) *node {
	t.Helper()
	ctx := t.Context()
	cfg := &config.Config{DataDir: dir}
	cfg.Bus.MaxAge = time.Hour
	log := slog.New(slog.DiscardHandler)
	g := New(cfg, log)
	s, err := sqlite.Open(ctx, filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	g.store = s
	kek, err := vault.OpenKEK(ctx, filepath.Join(dir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	g.vault = vault.New(kek, s)
	if g.bus, err = bus.Open(ctx, bus.Options{DataDir: dir, Logger: log}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.bus.Close() })
	g.metrics = metrics.New()
	g.lanes = delivery.New(log, delivery.Policy{})
	t.Cleanup(g.lanes.Close)
	cs := store.Store(s)
	if st != nil {
		cs = st(s)
	}
	g.router = router.New(router.Options{Clients: g.clients, Messages: msgmap.New(cs, g.vault, time.Hour, nil), Lanes: g.lanes, Logger: log,
		DeliveryTTL: time.Minute, WorkspaceName: g.clients.name, Pseudonym: g.vault.Pseudonym})
	g.catchup = catchup.New(cs, g.vault, log)
	g.hold = newHoldback(nil)
	return &node{g: g, dir: dir}
}

func event(tenant core.TenantID, id, text string) core.Event {
	return core.Event{ID: core.EventID(id), Kind: core.Posted, Tenant: tenant, Message: core.MessageID(id),
		Source: core.ChannelRef{Platform: core.Slack, Workspace: "T-" + core.WorkspaceID(tenant), Channel: "C1"},
		Body:   richtext.Plain(text), Time: time.Now()}
}

func (n *node) publish(t *testing.T, evs ...core.Event) {
	t.Helper()
	for _, ev := range evs {
		if err := (inbound{n.g}).Accept(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

// consume runs the gateway's consumer until stop is called.
func (n *node) consume(t *testing.T) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.g.consume(ctx) }()
	return func() { cancel(); <-done }
}

func waitFor(t *testing.T, what string, fn func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !fn(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in time", what)
		}
	}
}

func (n *node) pending(t *testing.T) uint64 {
	p, err := n.g.bus.Pending(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cursorPanics is a store whose catch-up cursor write panics once: a bug
// hit while consuming an event, before it is routed.
type cursorPanics struct {
	store.Store
	left atomic.Int32
	ok   atomic.Int32
}

func (c *cursorPanics) PutCursor(ctx context.Context, cur store.Cursor) error {
	if c.left.Add(-1) >= 0 {
		panic("cursor write failed")
	}
	c.ok.Add(1)
	return c.Store.PutCursor(ctx, cur)
}

// TestPanicWhileConsumingIsSetAside: an event whose consumption panics
// before routing is dead-lettered (once, sealed, counted) and acknowledged;
// the next event is consumed; after a restart the poisoned one does not
// come back.
func TestPanicWhileConsumingIsSetAside(t *testing.T) {
	dir := t.TempDir()
	var faulty *cursorPanics
	n := openNode(t, dir, func(s store.Store) store.Store {
		faulty = &cursorPanics{Store: s}
		faulty.left.Store(1)
		return faulty
	})
	n.publish(t, event("acme", "poisoned", "first"), event("acme", "fine", "second"))
	stop := n.consume(t)
	waitFor(t, "both events acknowledged", func() bool { return n.pending(t) == 0 })
	stop()
	if faulty.ok.Load() != 1 {
		t.Fatalf("events consumed after the panic: %d, want 1", faulty.ok.Load())
	}
	ds, err := n.g.store.DeadLetters(t.Context(), "acme")
	if err != nil || len(ds) != 1 || ds[0].Reason != "panic while consuming" {
		t.Fatalf("dead letters = %+v, %v", ds, err)
	}
	if plain, err := n.g.vault.Open(t.Context(), "acme", ds[0].Sealed, eventAAD("acme")); err != nil || !strings.Contains(string(plain), `"poisoned"`) {
		t.Fatalf("the dead letter does not open to the poisoned event: %v", err)
	}
	rec := httptest.NewRecorder()
	n.g.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `parley_dead_letters_total{platform="slack",stage="consume"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("metrics lack %s", want)
	}

	// Restart on the same data directory: nothing comes back.
	n.g.bus.Close()
	again := openNode(t, dir, nil)
	if p := again.pending(t); p != 0 {
		t.Fatalf("%d events back on the bus after the restart", p)
	}
}

// lookupPanics is a store whose message-map lookup panics once: a bug hit
// while routing, before any destination is tried.
type lookupPanics struct {
	store.Store
	left atomic.Int32
}

func (l *lookupPanics) FindCopy(ctx context.Context, tenant core.TenantID, key string) (store.Copy, error) {
	if l.left.Add(-1) >= 0 {
		panic("lookup failed")
	}
	return l.Store.FindCopy(ctx, tenant, key)
}

// TestPanicWhileRoutingIsSetAside: the same for a panic inside the
// router, before any lane.
func TestPanicWhileRoutingIsSetAside(t *testing.T) {
	n := openNode(t, t.TempDir(), func(s store.Store) store.Store {
		l := &lookupPanics{Store: s}
		l.left.Store(1)
		return l
	})
	ev := event("acme", "poisoned", "first")
	other := ev.Source
	other.Channel = "C2"
	n.g.router.SetLinks([]store.Link{{ID: "l", Tenant: "acme", Channels: []core.ChannelRef{ev.Source, other}}})
	n.publish(t, ev)
	stop := n.consume(t)
	waitFor(t, "the event acknowledged", func() bool { return n.pending(t) == 0 })
	stop()
	ds, err := n.g.store.DeadLetters(t.Context(), "acme")
	if err != nil || len(ds) != 1 || ds[0].Reason != "panic in routing" {
		t.Fatalf("dead letters = %+v, %v", ds, err)
	}
	rec := httptest.NewRecorder()
	n.g.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `parley_dead_letters_total{platform="slack",stage="route"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("metrics lack %s", want)
	}
}

// TestShreddedTenantsEventsOnTheBus: events still on the bus (in the
// JetStream store, in the data directory) when their tenant is shredded
// can never be opened again — not by the gateway, not by any key found
// anywhere in the data directory — while another tenant's events still
// open from the same copy of the directory.
func TestShreddedTenantsEventsOnTheBus(t *testing.T) {
	n := openNode(t, t.TempDir(), nil)
	n.publish(t, event("doomed", "d1", "doomed one"), event("doomed", "d2", "doomed two"), event("kept", "k1", "kept one"))
	if err := n.g.vault.Shred(t.Context(), "doomed"); err != nil {
		t.Fatal(err)
	}
	// Read the bus as the consumer would, without acknowledging.
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan bus.Delivery, 3)
	done := make(chan error, 1)
	go func() { done <- n.g.bus.Consume(ctx, func(_ context.Context, d bus.Delivery) { got <- d }) }()
	var sealed []bus.Delivery
	for range 3 {
		select {
		case d := <-got:
			sealed = append(sealed, d)
		case <-time.After(10 * time.Second):
			t.Fatal("events not on the bus")
		}
	}
	cancel()
	<-done

	files, err := forensic.Read(n.dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := forensic.Keys(files)
	for _, d := range sealed {
		_, err := n.g.vault.Open(t.Context(), d.Tenant, d.Data, eventAAD(d.Tenant))
		opens := forensic.Opens(keys, string(d.Tenant), d.Data, eventAAD(d.Tenant))
		switch d.Tenant {
		case "doomed":
			if !errors.Is(err, vault.ErrShredded) {
				t.Errorf("gateway opening a shredded tenant's event: %v, want ErrShredded", err)
			}
			if opens {
				t.Error("a key in the data directory opens a shredded tenant's event on the bus")
			}
		default:
			if err != nil || !opens {
				t.Errorf("positive control: the kept tenant's event: gateway %v, keys on disk open it %v", err, opens)
			}
		}
	}
}

// TestInboundPanicIsContained: a request that makes a platform's inbound
// handler panic gets a 500 (the platform retries, as for any server
// error), is counted, and the panic's value — here message text — is
// not logged.
func TestInboundPanicIsContained(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) }), nil))
	m := metrics.New()
	h := countInbound(m, log, core.Slack, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("cannot parse: secret words")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/events", strings.NewReader("{}")))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "secret words") || !strings.Contains(logs.String(), "recovered from a panic") {
		t.Fatalf("logs: %s", logs.String())
	}
	scrape := httptest.NewRecorder()
	m.Handler().ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
	if want := `parley_events_rejected_total{platform="slack",reason="panic"} 1`; !strings.Contains(scrape.Body.String(), want) {
		t.Fatalf("metrics lack %s", want)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
