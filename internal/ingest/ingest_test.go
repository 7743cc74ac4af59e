package ingest

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/bus"
	"parley/internal/core"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

func openSink(t *testing.T) Sink {
	t.Helper()
	dir := t.TempDir()
	s, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	kek, err := vault.OpenKEK(t.Context(), filepath.Join(dir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := bus.Open(t.Context(), bus.Options{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return Sink{Vault: vault.New(kek, s), Bus: b, Seen: s}
}

// TestAcceptSealsAndPublishes: an accepted event is on the bus sealed for
// its tenant only, and the same platform event published twice is one
// message.
func TestAcceptSealsAndPublishes(t *testing.T) {
	sink := openSink(t)
	ev := core.Event{ID: "E1", Kind: core.Posted, Tenant: "acme", Message: "M1", Time: time.Now(),
		Source: core.ChannelRef{Platform: "chat", Workspace: "W", Channel: "C"}}
	for range 2 {
		if err := sink.Accept(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := sink.Bus.Pending(t.Context()); err != nil || n != 1 {
		t.Fatalf("pending = %d, %v; want 1", n, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got := make(chan bus.Delivery, 1)
	go func() {
		_ = sink.Bus.Consume(ctx, func(_ context.Context, d bus.Delivery) {
			select {
			case got <- d:
			default:
			}
		})
	}()
	var d bus.Delivery
	select {
	case d = <-got:
	case <-ctx.Done():
		t.Fatal("nothing consumed")
	}
	if _, err := sink.Vault.Open(t.Context(), "acme", d.Data, EventAAD("other")); err == nil {
		t.Error("the sealed event opened as another tenant's")
	}
	plain, err := sink.Vault.Open(t.Context(), "acme", d.Data, EventAAD("acme"))
	if err != nil {
		t.Fatal(err)
	}
	var back core.Event
	if err := json.Unmarshal(plain, &back); err != nil || back.ID != ev.ID || back.Tenant != "acme" {
		t.Fatalf("event = %+v, %v", back, err)
	}
}

// TestReplayGuard: a delivery ID is new once; forgetting it (after a
// failed Accept) makes the platform's retry new again.
func TestReplayGuard(t *testing.T) {
	sink := openSink(t)
	ctx := t.Context()
	for i, want := range []bool{true, false} {
		if first, err := sink.FirstSeen(ctx, "chat", "D1"); err != nil || first != want {
			t.Fatalf("FirstSeen #%d = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if first, _ := sink.FirstSeen(ctx, "other", "D1"); !first {
		t.Error("the same ID on another platform was taken for a replay")
	}
	if err := sink.Forget(ctx, "chat", "D1"); err != nil {
		t.Fatal(err)
	}
	if first, err := sink.FirstSeen(ctx, "chat", "D1"); err != nil || !first {
		t.Fatalf("after Forget: %v, %v", first, err)
	}
}
