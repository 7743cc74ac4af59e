package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/bus"
	"parley/internal/catchup"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/forensic"
	"parley/internal/ingest"
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
	g   *Dispatcher
	dir string
	// What the gateway wires the dispatcher to.
	bus     *bus.Bus
	vault   *vault.Vault
	store   store.Store
	router  *router.Router
	metrics *metrics.Metrics
	sink    ingest.Sink
}

func openNode(t *testing.T, dir string, st func(store.Store) store.Store) *node {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	s, err := sqlite.Open(ctx, filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	n := &node{dir: dir, store: s}
	kek, err := vault.OpenKEK(ctx, filepath.Join(dir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	n.vault = vault.New(kek, s)
	if n.bus, err = bus.Open(ctx, bus.Options{DataDir: dir, Logger: log}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.bus.Close() })
	n.metrics = metrics.New()
	lanes := delivery.New(log, delivery.Policy{})
	t.Cleanup(lanes.Close)
	cs := store.Store(s)
	if st != nil {
		cs = st(s)
	}
	n.router = router.New(router.Options{Clients: noClients{}, Messages: msgmap.New(cs, n.vault, time.Hour, nil), Lanes: lanes, Logger: log,
		DeliveryTTL: time.Minute, WorkspaceName: func(core.TenantID, core.Platform, core.WorkspaceID) string { return "" }, Pseudonym: n.vault.Pseudonym})
	n.sink = ingest.Sink{Vault: n.vault, Bus: n.bus, Seen: s}
	n.g = New(Options{Bus: n.bus, Vault: n.vault, Store: s, Router: n.router, Catchup: catchup.New(cs, n.vault, log),
		DeadLetters: n.metrics.DeadLetters, Logger: log, MaxAge: time.Hour, Restart: true})
	return n
}

// noClients has no workspace installed.
type noClients struct{}

func (noClients) Client(_ core.TenantID, p core.Platform, ws core.WorkspaceID) (connector.Client, error) {
	return nil, fmt.Errorf("%s/%s: %w", p, ws, connector.ErrUnknownWorkspace)
}

func event(tenant core.TenantID, id, text string) core.Event {
	return core.Event{ID: core.EventID(id), Kind: core.Posted, Tenant: tenant, Message: core.MessageID(id),
		Source: core.ChannelRef{Platform: core.Slack, Workspace: "T-" + core.WorkspaceID(tenant), Channel: "C1"},
		Body:   richtext.Plain(text), Time: time.Now()}
}

func (n *node) publish(t *testing.T, evs ...core.Event) {
	t.Helper()
	for _, ev := range evs {
		if err := n.sink.Accept(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

// consume runs the gateway's consumer until stop is called.
func (n *node) consume(t *testing.T) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.g.Run(ctx) }()
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
	p, err := n.bus.Pending(t.Context())
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
	ds, err := n.store.DeadLetters(t.Context(), "acme")
	if err != nil || len(ds) != 1 || ds[0].Reason != "panic while consuming" {
		t.Fatalf("dead letters = %+v, %v", ds, err)
	}
	if plain, err := n.vault.Open(t.Context(), "acme", ds[0].Sealed, ingest.EventAAD("acme")); err != nil || !strings.Contains(string(plain), `"poisoned"`) {
		t.Fatalf("the dead letter does not open to the poisoned event: %v", err)
	}
	rec := httptest.NewRecorder()
	n.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `parley_dead_letters_total{platform="slack",stage="consume"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("metrics lack %s", want)
	}

	// Restart on the same data directory: nothing comes back.
	n.bus.Close()
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
	n.router.SetLinks([]store.Link{{ID: "l", Tenant: "acme", Channels: []core.ChannelRef{ev.Source, other}}})
	n.publish(t, ev)
	stop := n.consume(t)
	waitFor(t, "the event acknowledged", func() bool { return n.pending(t) == 0 })
	stop()
	ds, err := n.store.DeadLetters(t.Context(), "acme")
	if err != nil || len(ds) != 1 || ds[0].Reason != "panic in routing" {
		t.Fatalf("dead letters = %+v, %v", ds, err)
	}
	rec := httptest.NewRecorder()
	n.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
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
	if err := n.vault.Shred(t.Context(), "doomed"); err != nil {
		t.Fatal(err)
	}
	// Read the bus as the consumer would, without acknowledging.
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan bus.Delivery, 3)
	done := make(chan error, 1)
	go func() { done <- n.bus.Consume(ctx, func(_ context.Context, d bus.Delivery) { got <- d }) }()
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
		_, err := n.vault.Open(t.Context(), d.Tenant, d.Data, ingest.EventAAD(d.Tenant))
		opens := forensic.Opens(keys, string(d.Tenant), d.Data, ingest.EventAAD(d.Tenant))
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
