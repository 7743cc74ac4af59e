package storetest

import (
	"context"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

func testTraffic(t *testing.T, s store.Store) {
	ctx := context.Background()
	base := time.Unix(1_800_000_000, 0)
	for i, tenant := range []core.TenantID{"a", "a", "a", "b"} {
		e := store.TrafficEntry{
			Tenant: tenant, Time: base.Add(time.Duration(i) * time.Hour), Kind: core.Posted,
			SrcPlatform: core.Slack, Src: "src-pseudo", DstPlatform: core.Slack, Dst: "dst-pseudo",
			Size: 42, Files: 1, Outcome: "delivered", Attempts: 2, Latency: 1500 * time.Millisecond,
		}
		if err := s.AddTraffic(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Traffic(ctx, "a", base.Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Time.Equal(base.Add(time.Hour)) || got[0].Size != 42 || got[0].Attempts != 2 ||
		got[0].Latency != 1500*time.Millisecond || got[0].Kind != core.Posted || got[0].Dst != "dst-pseudo" {
		t.Fatalf("Traffic = %+v", got)
	}
	if b, _ := s.Traffic(ctx, "b", time.Time{}, 10); len(b) != 1 {
		t.Fatalf("tenant b sees %d entries, want its own 1", len(b))
	}
	n, err := s.PurgeTraffic(ctx, base.Add(150*time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("PurgeTraffic = %d, %v; want 3", n, err)
	}
	if left, _ := s.Traffic(ctx, "b", time.Time{}, 10); len(left) != 1 {
		t.Fatalf("purge removed a newer entry: %d left", len(left))
	}
}
