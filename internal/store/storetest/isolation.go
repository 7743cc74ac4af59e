package storetest

import (
	"bytes"
	"testing"

	"parley/internal/core"
	"parley/internal/store"
)

// testIsolation gives two tenants rows under identical IDs and checks that
// no read, write or delete for one reaches the other.
func testIsolation(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	for i, id := range []core.TenantID{tenantA, tenantB} {
		b := []byte{byte(i + 1)}
		// A workspace has one tenant, so each has its own; every
		// other ID is the same for both.
		ws := core.WorkspaceID("T1-" + string(id))
		must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: id, Platform: core.Slack, ID: ws, Name: string(id), Credentials: b}))
		must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: id, Name: string(id), Channels: []core.ChannelRef{ch(core.Slack, string(ws), "C1")}}))
		must(t, s.PutKey(ctx(t), store.WrappedKey{Tenant: id, Purpose: store.PurposeData, KEKID: "k", Wrapped: b}))
		must(t, s.PutCopy(ctx(t), store.Copy{Tenant: id, Group: "g1", Key: "c1", Sealed: b}))
		must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: id, ID: "d1", Sealed: b, Reason: "panic", Time: t0}))
	}
	check := func(t *testing.T, id core.TenantID, want []byte) {
		t.Helper()
		ws, err := s.Workspaces(ctx(t), id)
		must(t, err)
		ls, err := s.Links(ctx(t), id)
		must(t, err)
		ks, err := s.Keys(ctx(t), id)
		must(t, err)
		gs, err := s.GroupCopies(ctx(t), id, "g1")
		must(t, err)
		c, err := s.FindCopy(ctx(t), id, "c1")
		must(t, err)
		ds, err := s.DeadLetters(ctx(t), id)
		must(t, err)
		if len(ws) != 1 || ws[0].Tenant != id || !bytes.Equal(ws[0].Credentials, want) ||
			len(ls) != 1 || ls[0].Tenant != id || ls[0].Name != string(id) ||
			len(ks) != 1 || ks[0].Tenant != id || !bytes.Equal(ks[0].Wrapped, want) ||
			len(gs) != 1 || gs[0].Tenant != id || !bytes.Equal(gs[0].Sealed, want) ||
			c.Tenant != id || !bytes.Equal(c.Sealed, want) ||
			len(ds) != 1 || ds[0].Tenant != id || !bytes.Equal(ds[0].Sealed, want) {
			t.Fatalf("tenant %s sees %+v %+v %+v %+v %+v %+v", id, ws, ls, ks, gs, c, ds)
		}
	}
	check(t, tenantA, []byte{1})
	check(t, tenantB, []byte{2})

	// Destructive calls for A leave B whole.
	must(t, s.DeleteLink(ctx(t), tenantA, "L1"))
	must(t, s.DeleteKeys(ctx(t), tenantA))
	wantErr(t, s.DeleteDeadLetter(ctx(t), tenantA, "nope"), store.ErrNotFound)
	must(t, s.DeleteDeadLetter(ctx(t), tenantA, "d1"))
	check(t, tenantB, []byte{2})
	must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: tenantA, ID: "d1", Sealed: []byte{1}, Time: t0}))
	must(t, s.DeleteTenant(ctx(t), tenantA))
	check(t, tenantB, []byte{2})

	// An unknown tenant sees nothing.
	for name, n := range counts(t, s, "tenant-c") {
		if n != 0 {
			t.Errorf("unknown tenant sees %d %s", n, name)
		}
	}
}
