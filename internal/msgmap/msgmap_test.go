package msgmap

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

func newMap(t *testing.T, ttl time.Duration, now func() time.Time) *Map {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kek, err := vault.OpenKEK(context.Background(), "file://"+filepath.Join(dir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	return New(st, vault.New(kek, st), ttl, now)
}

func ref(ws, ch, msg string) core.MessageRef {
	return core.MessageRef{ChannelRef: core.ChannelRef{Platform: core.Slack, Workspace: core.WorkspaceID(ws), Channel: core.ChannelID(ch)}, Message: core.MessageID(msg)}
}

func TestFindFromAnyCopy(t *testing.T) {
	ctx := context.Background()
	m := newMap(t, time.Hour, nil)
	orig, a, b := ref("T1", "C1", "1.1"), ref("T2", "C2", "2.2"), ref("T3", "C3", "3.3")
	for _, cp := range []core.MessageRef{a, b} {
		if err := m.Record(ctx, "t", orig, cp); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		from core.MessageRef
		dest core.ChannelRef
		want core.MessageID
	}{
		{"original to copy", orig, a.ChannelRef, a.Message},
		{"copy to original", a, orig.ChannelRef, orig.Message},
		{"copy to sibling copy", b, a.ChannelRef, a.Message},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Find(ctx, "t", tt.from, tt.dest)
			if err != nil || got != tt.want {
				t.Fatalf("Find = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := m.Find(ctx, "other-tenant", orig, a.ChannelRef); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another tenant found the copy: %v", err)
	}
	if _, err := m.Find(ctx, "t", ref("T9", "C9", "9.9"), a.ChannelRef); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown message: %v", err)
	}
}

func TestIsCopyAndExpiry(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	m := newMap(t, time.Minute, clock)
	orig, cp := ref("T1", "C1", "1.1"), ref("T2", "C2", "2.2")
	if err := m.Record(ctx, "t", orig, cp); err != nil {
		t.Fatal(err)
	}
	if echo, err := m.IsCopy(ctx, "t", cp); err != nil || !echo {
		t.Fatalf("IsCopy(copy) = %v, %v", echo, err)
	}
	if echo, err := m.IsCopy(ctx, "t", orig); err != nil || echo {
		t.Fatalf("IsCopy(original) = %v, %v", echo, err)
	}
	// Entries carry the TTL given at Record; the store hides them after it.
	if _, err := m.store.DeleteExpired(ctx, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Find(ctx, "t", orig, cp.ChannelRef); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired entry still found: %v", err)
	}
}
