package audit

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/store/sqlite"
)

// TestPurgeAfterRetention drives the clock past 72 hours: entries older than
// the retention period are destroyed, newer ones kept.
func TestPurgeAfterRetention(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	tr := NewTraffic(st, 0, clock, slog.New(slog.DiscardHandler))

	tr.Record(ctx, store.TrafficEntry{Tenant: "t", Kind: core.Posted, Outcome: "delivered"})
	now = now.Add(48 * time.Hour)
	tr.Record(ctx, store.TrafficEntry{Tenant: "t", Kind: core.Edited, Outcome: "delivered"})

	now = now.Add(24*time.Hour + time.Second) // the first entry is now 72 h + 1 s old
	n, err := tr.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	left, err := st.Traffic(ctx, "t", time.Time{}, 10)
	if err != nil || len(left) != 1 || left[0].Kind != core.Edited {
		t.Fatalf("left %+v, %v; want only the newer entry", left, err)
	}
	now = now.Add(48 * time.Hour)
	if n, _ := tr.Purge(ctx); n != 1 {
		t.Fatalf("second purge removed %d, want 1", n)
	}
}
