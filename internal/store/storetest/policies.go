package storetest

import (
	"bytes"
	"testing"

	"parley/internal/store"
)

func testPolicies(t *testing.T, s store.Store) {
	wantErr(t, s.PutPolicy(ctx(t), store.Policy{Tenant: tenantA, Sealed: []byte{1}, Updated: t0}), store.ErrNotFound)
	mustCreateTenants(t, s, tenantA, tenantB)
	_, err := s.Policy(ctx(t), tenantA)
	wantErr(t, err, store.ErrNotFound)

	must(t, s.PutPolicy(ctx(t), store.Policy{Tenant: tenantA, Sealed: []byte{1}, Updated: t0}))
	must(t, s.PutPolicy(ctx(t), store.Policy{Tenant: tenantA, Sealed: []byte{2, 3}, Updated: t0.Add(1)}))
	must(t, s.PutPolicy(ctx(t), store.Policy{Tenant: tenantB, Sealed: []byte{4}, Updated: t0}))
	p, err := s.Policy(ctx(t), tenantA)
	must(t, err)
	if p.Tenant != tenantA || !bytes.Equal(p.Sealed, []byte{2, 3}) || !p.Updated.Equal(t0.Add(1)) {
		t.Fatalf("Policy = %+v, want the second put", p)
	}
	all, err := s.AllPolicies(ctx(t))
	must(t, err)
	if len(all) != 2 || all[0].Tenant != tenantA || all[1].Tenant != tenantB || !bytes.Equal(all[1].Sealed, []byte{4}) {
		t.Fatalf("AllPolicies = %+v", all)
	}
}
