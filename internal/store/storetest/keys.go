package storetest

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"

	"parley/internal/core"
	"parley/internal/store"
)

func testKeys(t *testing.T, s store.Store) {
	// Keys do not require a tenant row: shredding must work on a
	// half-deleted tenant.
	data := store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeData, KEKID: "k1", Wrapped: []byte{1}, Created: t0}
	must(t, s.PutKey(ctx(t), data))
	must(t, s.PutKey(ctx(t), store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeIndex, KEKID: "k1", Wrapped: []byte{2}, Created: t0}))
	data.KEKID, data.Wrapped = "k2", []byte{3}
	must(t, s.PutKey(ctx(t), data)) // upsert
	must(t, s.CreateKey(ctx(t), store.WrappedKey{Tenant: tenantB, Purpose: store.PurposeData, KEKID: "k1", Wrapped: []byte{4}, Created: t0}))
	wantErr(t, s.CreateKey(ctx(t), store.WrappedKey{Tenant: tenantB, Purpose: store.PurposeData, KEKID: "k1", Wrapped: []byte{5}}), store.ErrExists)

	ks, err := s.Keys(ctx(t), tenantA)
	must(t, err)
	if len(ks) != 2 || ks[0].Purpose != store.PurposeData || ks[0].KEKID != "k2" || !bytes.Equal(ks[0].Wrapped, []byte{3}) || !ks[0].Created.Equal(t0) {
		t.Fatalf("Keys(a) = %+v", ks)
	}
	ks, err = s.Keys(ctx(t), tenantB)
	must(t, err)
	if len(ks) != 1 || !bytes.Equal(ks[0].Wrapped, []byte{4}) {
		t.Fatalf("CreateKey replaced an existing key: %+v", ks)
	}
	all, err := s.AllKeys(ctx(t))
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("AllKeys = %d, want 3", len(all))
	}
	must(t, s.DeleteKeys(ctx(t), tenantA))
	ks, err = s.Keys(ctx(t), tenantA)
	must(t, err)
	if len(ks) != 0 {
		t.Fatalf("after DeleteKeys: %+v", ks)
	}
	if ks, _ := s.Keys(ctx(t), tenantB); len(ks) != 1 {
		t.Fatal("DeleteKeys(a) removed b's key")
	}
}

func testKeyCompareAndSwap(t *testing.T, s store.Store) {
	k := store.WrappedKey{Tenant: tenantA, Purpose: store.PurposeData, KEKID: "k1", Wrapped: []byte("old"), Created: t0}
	must(t, s.CreateKey(ctx(t), k))
	next := k
	next.KEKID, next.Wrapped = "k2", []byte("new")
	wantErr(t, s.ReplaceKey(ctx(t), next, []byte("stale")), store.ErrNotFound)
	must(t, s.ReplaceKey(ctx(t), next, []byte("old")))
	ks, err := s.Keys(ctx(t), tenantA)
	must(t, err)
	if len(ks) != 1 || ks[0].KEKID != "k2" || string(ks[0].Wrapped) != "new" {
		t.Fatalf("after ReplaceKey: %+v", ks)
	}
	// Once shredded, a late re-wrap must not bring the key back.
	must(t, s.DeleteKeys(ctx(t), tenantA))
	wantErr(t, s.ReplaceKey(ctx(t), k, []byte("new")), store.ErrNotFound)
	if ks, _ := s.Keys(ctx(t), tenantA); len(ks) != 0 {
		t.Fatalf("ReplaceKey resurrected a shredded key: %+v", ks)
	}
}

func testCreateKeyConcurrent(t *testing.T, s store.Store) {
	const n = 20
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			err := s.CreateKey(ctx(t), store.WrappedKey{Tenant: core.TenantID("c"), Purpose: store.PurposeData, KEKID: "k", Wrapped: []byte{byte(i)}})
			if err == nil {
				wins.Add(1)
			} else if !errorsIsExists(err) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d CreateKey calls won, want 1", wins.Load())
	}
}
