package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// RunNodes checks what must hold when several gateway nodes (processes,
// each with its own connections) share one database: they can start at
// once, and every check-and-set has exactly one winner across them.
// fresh prepares a new, empty database and returns a function that opens
// one more node's store on it; that function must register the store's
// cleanup with t and must be safe to call from several goroutines.
func RunNodes(t *testing.T, fresh func(t *testing.T) (openNode func(t *testing.T) (store.Store, error))) {
	const nodes = 4
	// start opens the nodes at the same moment, as after a deployment,
	// each migrating the new database if no other has yet.
	start := func(t *testing.T, nodes int) []store.Store {
		openNode := fresh(t)
		stores := make([]store.Store, nodes)
		errs := make([]error, nodes)
		race(nodes, func(i int) { stores[i], errs[i] = openNode(t) })
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d could not open the new database: %v", i, err)
			}
		}
		return stores
	}
	t.Run("StartTogether", func(t *testing.T) {
		// Without a lock around migrating, two nodes would both apply a
		// migration now and then: a few rounds with more nodes catch it.
		for range 3 {
			stores := start(t, 2*nodes)
			// Every node sees one schema: what one writes, all read.
			must(t, stores[0].CreateTenant(ctx(t), store.Tenant{ID: tenantA, Created: t0}))
			for i, s := range stores {
				if _, err := s.Tenant(ctx(t), tenantA); err != nil {
					t.Fatalf("node %d: %v", i, err)
				}
			}
		}
	})
	t.Run("FirstSeen", func(t *testing.T) {
		stores := start(t, nodes)
		for round := range 5 {
			key := fmt.Sprintf("delivery-%d", round)
			firsts := make([]bool, nodes*4)
			errs := make([]error, len(firsts))
			race(len(firsts), func(i int) {
				firsts[i], errs[i] = stores[i%nodes].FirstSeen(ctx(t), key, time.Now().Add(time.Hour))
			})
			wins := 0
			for i, first := range firsts {
				must(t, errs[i])
				if first {
					wins++
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d calls across %d nodes saw the mark first, want 1", round, wins, nodes)
			}
		}
	})
	t.Run("CreateKey", func(t *testing.T) {
		stores := start(t, nodes)
		errs := make([]error, nodes*4)
		race(len(errs), func(i int) {
			errs[i] = stores[i%nodes].CreateKey(ctx(t), store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeData, KEKID: "k", Wrapped: []byte{byte(i)}, Created: t0})
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("calls %d and %d both created the key", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrExists):
				t.Fatalf("call %d: %v", i, err)
			}
		}
		ks, err := stores[1].Keys(ctx(t), tenantA)
		must(t, err)
		if winner < 0 || len(ks) != 1 || ks[0].Wrapped[0] != byte(winner) {
			t.Fatalf("winner %d, stored %+v", winner, ks)
		}
	})
	t.Run("ReplaceKey", func(t *testing.T) {
		stores := start(t, nodes)
		old := []byte("wrapped by kek-1")
		must(t, stores[0].CreateKey(ctx(t), store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeData, KEKID: "kek-1", Wrapped: old, Created: t0}))
		// Every node re-wraps the same key at once; each expects the
		// bytes it read. One swap wins and the rest find the key changed.
		errs := make([]error, nodes*4)
		race(len(errs), func(i int) {
			next := store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeData, KEKID: "kek-2", Wrapped: fmt.Appendf(nil, "rewrap %d", i)}
			errs[i] = stores[i%nodes].ReplaceKey(ctx(t), next, old)
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("calls %d and %d both replaced the key", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrNotFound):
				t.Fatalf("call %d: %v", i, err)
			}
		}
		ks, err := stores[2].Keys(ctx(t), tenantA)
		must(t, err)
		if winner < 0 || len(ks) != 1 || string(ks[0].Wrapped) != fmt.Sprintf("rewrap %d", winner) {
			t.Fatalf("winner %d, stored %+v", winner, ks)
		}
	})
	t.Run("PutLink", func(t *testing.T) {
		stores := start(t, nodes)
		mustCreateTenants(t, stores[0], tenantA)
		// Each node puts its own link holding the same channel; the
		// channel may join one of them only.
		shared := ch(core.Slack, "T1", "C-shared")
		errs := make([]error, nodes*2)
		race(len(errs), func(i int) {
			errs[i] = stores[i%nodes].PutLink(ctx(t), store.Link{ID: core.LinkID(fmt.Sprint("L", i)), Tenant: tenantA,
				Channels: []core.ChannelRef{ch(core.Teams, "W", fmt.Sprint("own-", i)), shared}})
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("links %d and %d both took the channel", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("link %d: %v", i, err)
			}
		}
		ls, err := stores[3].Links(ctx(t), tenantA)
		must(t, err)
		if winner < 0 || len(ls) != 1 || ls[0].ID != core.LinkID(fmt.Sprint("L", winner)) || len(ls[0].Channels) != 2 {
			t.Fatalf("winner %d, links %+v", winner, ls)
		}
	})
	t.Run("WorkspaceOwner", func(t *testing.T) {
		stores := start(t, nodes)
		// Each node installs the same workspace for a tenant of its own;
		// the workspace may belong to one of them only.
		tenants := make([]core.TenantID, nodes*2)
		for i := range tenants {
			tenants[i] = core.TenantID(fmt.Sprint("tenant-", i))
			mustCreateTenants(t, stores[0], tenants[i])
		}
		errs := make([]error, len(tenants))
		race(len(errs), func(i int) {
			errs[i] = stores[i%nodes].PutWorkspace(ctx(t), store.Workspace{Tenant: tenants[i], Platform: core.Slack, ID: "T-shared", Name: fmt.Sprint(i), Updated: t0})
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("tenants %d and %d both own the workspace", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("tenant %d: %v", i, err)
			}
		}
		all, err := stores[1].AllWorkspaces(ctx(t))
		must(t, err)
		if winner < 0 || len(all) != 1 || all[0].Tenant != tenants[winner] {
			t.Fatalf("winner %d, workspaces %+v", winner, all)
		}
	})
}

// race runs fn(0) … fn(n-1) in goroutines released together.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			fn(i)
		})
	}
	close(gate)
	wg.Wait()
}
