package storetest

import (
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

func testTenants(t *testing.T, s store.Store) {
	if _, err := s.Tenant(ctx(t), tenantA); err == nil {
		t.Fatal("Tenant on an empty store found something")
	} else {
		wantErr(t, err, store.ErrNotFound)
	}
	mustCreateTenants(t, s, tenantB, tenantA)
	wantErr(t, s.CreateTenant(ctx(t), store.Tenant{ID: tenantA, Name: "again"}), store.ErrExists)

	got, err := s.Tenant(ctx(t), tenantA)
	must(t, err)
	if got.ID != tenantA || got.Name != "name of tenant-a" || !got.Created.Equal(t0) {
		t.Fatalf("Tenant = %+v", got)
	}
	all, err := s.Tenants(ctx(t))
	must(t, err)
	if len(all) != 2 || all[0].ID != tenantA || all[1].ID != tenantB {
		t.Fatalf("Tenants = %+v, want a then b", all)
	}
}

func testDeleteTenant(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	for _, id := range []core.TenantID{tenantA, tenantB} {
		fill(t, s, id)
	}
	must(t, s.DeleteTenant(ctx(t), tenantA))
	must(t, s.DeleteTenant(ctx(t), tenantA)) // idempotent

	if _, err := s.Tenant(ctx(t), tenantA); err == nil {
		t.Fatal("deleted tenant still found")
	}
	for name, n := range counts(t, s, tenantA) {
		if n != 0 {
			t.Errorf("%s of deleted tenant: %d rows left", name, n)
		}
	}
	for name, n := range counts(t, s, tenantB) {
		if n == 0 {
			t.Errorf("%s of the other tenant went too", name)
		}
	}
	// The ID can be used again, and starts empty.
	mustCreateTenants(t, s, tenantA)
	ls, err := s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ls) != 0 {
		t.Fatalf("re-created tenant has links %+v", ls)
	}
}

// fill gives a tenant one row of every kind.
func fill(t *testing.T, s store.Store, id core.TenantID) {
	t.Helper()
	ws := core.WorkspaceID("T1-" + string(id)) // a workspace has one tenant
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: id, Platform: core.Slack, ID: ws, Name: "ws", Credentials: []byte{1, 2}, Updated: t0}))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: id, Name: "room", Channels: []core.ChannelRef{{Platform: core.Slack, Workspace: ws, Channel: "C1"}}}))
	must(t, s.PutKey(ctx(t), store.WrappedKey{Tenant: id, Purpose: store.PurposeData, KEKID: "k1", Wrapped: []byte{3}, Created: t0}))
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: id, Group: "g1", Key: "c1", Sealed: []byte{4}}))
	must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: id, ID: "d1", Sealed: []byte{5}, Reason: "panic", Time: t0}))
	must(t, s.PutRole(ctx(t), store.RoleAssignment{Tenant: id, Person: "p1", Role: "owner", SealedEmail: []byte{6}, Updated: t0}))
	must(t, s.AppendAudit(ctx(t), store.AuditEntry{Tenant: id, Seq: 1, Time: t0, Actor: "p1", Action: "x", MAC: "m"}))
	must(t, s.PutPolicy(ctx(t), store.Policy{Tenant: id, Sealed: []byte{7}, Updated: t0}))
	must(t, s.AddAlert(ctx(t), store.Alert{Tenant: id, ID: "a1", Time: t0, Kind: "k"}))
	must(t, s.PutQuarantine(ctx(t), store.Quarantine{Tenant: id, Link: "L1", Since: t0}))
}

// counts reports how many rows of each kind a tenant has, through every
// read method.
func counts(t *testing.T, s store.Store, id core.TenantID) map[string]int {
	t.Helper()
	ws, err := s.Workspaces(ctx(t), id)
	must(t, err)
	ls, err := s.Links(ctx(t), id)
	must(t, err)
	ks, err := s.Keys(ctx(t), id)
	must(t, err)
	cs, err := s.GroupCopies(ctx(t), id, "g1")
	must(t, err)
	found := 0
	if _, err := s.FindCopy(ctx(t), id, "c1"); err == nil {
		found = 1
	}
	ds, err := s.DeadLetters(ctx(t), id)
	must(t, err)
	rs, err := s.Roles(ctx(t), id)
	must(t, err)
	as, err := s.Audit(ctx(t), id, 0, 0)
	must(t, err)
	alerts, err := s.Alerts(ctx(t), id, time.Time{}, 0)
	must(t, err)
	qs, err := s.Quarantines(ctx(t))
	must(t, err)
	quarantined := 0
	for _, q := range qs {
		if q.Tenant == id {
			quarantined++
		}
	}
	policies := 0
	if _, err := s.Policy(ctx(t), id); err == nil {
		policies = 1
	}
	return map[string]int{"workspaces": len(ws), "links": len(ls), "keys": len(ks), "group copies": len(cs), "found copy": found, "dead letters": len(ds),
		"roles": len(rs), "audit entries": len(as), "policies": policies, "alerts": len(alerts), "quarantines": quarantined}
}
