package storetest

import (
	"bytes"
	"testing"

	"parley/internal/core"
	"parley/internal/store"
)

func testWorkspaces(t *testing.T, s store.Store) {
	w := store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T1", Name: "Acme", Credentials: []byte{0, 1, 2}, Healthy: true, Updated: t0}
	wantErr(t, s.PutWorkspace(ctx(t), w), store.ErrNotFound) // no such tenant
	mustCreateTenants(t, s, tenantA, tenantB)
	must(t, s.PutWorkspace(ctx(t), w))
	// Same ID on another platform is another workspace.
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantA, Platform: core.Teams, ID: "T1", Name: "Acme Teams", Updated: t0}))
	// Upsert replaces every field.
	w2 := w
	w2.Name, w2.Credentials, w2.Healthy, w2.Updated = "Acme Inc", []byte{9}, false, t0.Add(1e9)
	must(t, s.PutWorkspace(ctx(t), w2))

	ws, err := s.Workspaces(ctx(t), tenantA)
	must(t, err)
	if len(ws) != 2 {
		t.Fatalf("Workspaces = %d, want 2", len(ws))
	}
	got := ws[0]
	if got.Platform != core.Slack {
		got = ws[1]
	}
	if got.Name != "Acme Inc" || !bytes.Equal(got.Credentials, []byte{9}) || got.Healthy || !got.Updated.Equal(w2.Updated) || got.Tenant != tenantA || got.ID != "T1" {
		t.Fatalf("after upsert: %+v", got)
	}

	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantB, Platform: core.Slack, ID: "T9", Name: "B", Healthy: true}))
	all, err := s.AllWorkspaces(ctx(t))
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("AllWorkspaces = %d, want 3", len(all))
	}
}

// testWorkspaceOwner: a workspace belongs to one tenant. Putting it under a
// second tenant is a conflict and changes nothing, so the first owner keeps
// its events.
func testWorkspaceOwner(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	w := store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T1", Name: "Acme", Credentials: []byte{1}, Healthy: true, Updated: t0}
	must(t, s.PutWorkspace(ctx(t), w))
	stolen := w
	stolen.Tenant, stolen.Name, stolen.Credentials = tenantB, "mine now", []byte{2}
	wantErr(t, s.PutWorkspace(ctx(t), stolen), store.ErrConflict)
	// The same ID on another platform is another workspace.
	other := stolen
	other.Platform = core.Webex
	must(t, s.PutWorkspace(ctx(t), other))

	all, err := s.AllWorkspaces(ctx(t))
	must(t, err)
	owners := map[core.Platform]core.TenantID{}
	for _, got := range all {
		if got.ID == "T1" {
			owners[got.Platform] = got.Tenant
		}
		if got.Platform == core.Slack && (got.Tenant != tenantA || !bytes.Equal(got.Credentials, []byte{1})) {
			t.Fatalf("the conflicting put changed the workspace: %+v", got)
		}
	}
	if len(owners) != 2 || owners[core.Slack] != tenantA || owners[core.Webex] != tenantB {
		t.Fatalf("owners = %v", owners)
	}
	// The owner may still update it, and once it lets go (its tenant is
	// deleted) another tenant may take it.
	w.Name = "Acme Inc"
	must(t, s.PutWorkspace(ctx(t), w))
	must(t, s.DeleteTenant(ctx(t), tenantA))
	must(t, s.PutWorkspace(ctx(t), stolen))
}
