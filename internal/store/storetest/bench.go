package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// Bench measures the statements on the delivery path, one back end at a
// time, so the back ends can be compared on one machine. open returns a
// fresh, empty store and registers its cleanup with b.
//
// Post is what relaying one message costs the store: the inbound replay
// guard, the channel's cursor, the delivery's intent mark, the message
// map's two entries (original and copy) and the traffic-log entry. Edit is
// what an edit costs: finding the copy, then its group.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	sealed := make([]byte, 80) // a sealed MessageRef is about this size
	later := time.Now().Add(time.Hour)
	var seq atomic.Int64
	key := func(kind string) string { return fmt.Sprintf("%s-%d", kind, seq.Add(1)) }
	post := func(ctx context.Context, s store.Store) error {
		n := seq.Add(1)
		if _, err := s.FirstSeen(ctx, fmt.Sprint("slack|delivery-", n), later); err != nil {
			return err
		}
		if err := s.PutCursor(ctx, store.Cursor{Tenant: tenantA, Key: "channel", Sealed: sealed, Updated: time.Now()}); err != nil {
			return err
		}
		if _, err := s.FirstSeen(ctx, fmt.Sprint("intent|", n), later); err != nil {
			return err
		}
		group := fmt.Sprint("group-", n)
		if err := s.PutCopy(ctx, store.Copy{Tenant: tenantA, Group: group, Key: fmt.Sprint("original-", n), Sealed: sealed, Expires: later},
			store.Copy{Tenant: tenantA, Group: group, Key: fmt.Sprint("copy-", n), Sealed: sealed, Expires: later}); err != nil {
			return err
		}
		return s.AddTraffic(ctx, store.TrafficEntry{Tenant: tenantA, Time: time.Now(), Kind: core.Posted, SrcPlatform: core.Slack, Src: "src",
			DstPlatform: core.Slack, Dst: "dst", Size: 120, Outcome: "delivered", Attempts: 1, Latency: 40 * time.Millisecond})
	}
	for _, bc := range []struct {
		name string
		op   func(ctx context.Context, s store.Store) error
	}{
		{"FirstSeen", func(ctx context.Context, s store.Store) error {
			if first, err := s.FirstSeen(ctx, key("mark"), later); err != nil || !first {
				return fmt.Errorf("first %v: %w", first, err)
			}
			return nil
		}},
		{"PutCopy", func(ctx context.Context, s store.Store) error {
			return s.PutCopy(ctx, store.Copy{Tenant: tenantA, Group: "g", Key: key("copy"), Sealed: sealed, Expires: later})
		}},
		{"FindCopy", func(ctx context.Context, s store.Store) error {
			_, err := s.FindCopy(ctx, tenantA, "copy-to-find")
			return err
		}},
		{"AddTraffic", func(ctx context.Context, s store.Store) error {
			return s.AddTraffic(ctx, store.TrafficEntry{Tenant: tenantA, Time: time.Now(), Kind: core.Posted, Outcome: "delivered", Attempts: 1})
		}},
		{"Post", post},
		{"Edit", func(ctx context.Context, s store.Store) error {
			c, err := s.FindCopy(ctx, tenantA, "copy-to-find")
			if err != nil {
				return err
			}
			if cs, err := s.GroupCopies(ctx, tenantA, c.Group); err != nil || len(cs) != 2 {
				return fmt.Errorf("%d copies: %w", len(cs), err)
			}
			return nil
		}},
	} {
		setup := func(b *testing.B) store.Store {
			s := open(b)
			for _, k := range []string{"copy-to-find", "other-copy"} {
				if err := s.PutCopy(b.Context(), store.Copy{Tenant: tenantA, Group: "edited", Key: k, Sealed: sealed, Expires: later}); err != nil {
					b.Fatal(err)
				}
			}
			return s
		}
		b.Run(bc.name, func(b *testing.B) {
			s := setup(b)
			for b.Loop() {
				if err := bc.op(b.Context(), s); err != nil {
					b.Fatal(err)
				}
			}
		})
		// As a node's many lanes do: concurrent callers on one store.
		b.Run(bc.name+"/parallel", func(b *testing.B) {
			s := setup(b)
			b.SetParallelism(4)
			b.ResetTimer() // RunParallel, unlike b.Loop, would count the setup
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := bc.op(b.Context(), s); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
