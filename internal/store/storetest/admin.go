package storetest

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

func testOrigins(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA)
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T1", Name: "w", Updated: t0, Origin: store.OriginAPI}))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantA, Name: "l", Origin: store.OriginConfig}))
	ws, err := s.Workspaces(ctx(t), tenantA)
	must(t, err)
	ls, err := s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ws) != 1 || ws[0].Origin != store.OriginAPI || len(ls) != 1 || ls[0].Origin != store.OriginConfig {
		t.Fatalf("origins not kept: %+v %+v", ws, ls)
	}
	// An upsert changes the origin too.
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantA, Name: "l", Origin: store.OriginAPI}))
	ls, err = s.Links(ctx(t), tenantA)
	must(t, err)
	if ls[0].Origin != store.OriginAPI {
		t.Fatalf("origin after upsert = %q", ls[0].Origin)
	}
}

func testDeleteWorkspace(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T1", Credentials: []byte{1}, Updated: t0}))
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T2", Updated: t0}))
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantB, Platform: core.Slack, ID: "T3", Updated: t0}))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantA, Channels: []core.ChannelRef{ch(core.Slack, "T1", "C1"), ch(core.Slack, "T2", "C2")}}))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantB, Channels: []core.ChannelRef{ch(core.Slack, "T1", "C1")}}))

	wantErr(t, s.DeleteWorkspace(ctx(t), tenantB, core.Slack, "T1"), store.ErrNotFound)
	must(t, s.DeleteWorkspace(ctx(t), tenantA, core.Slack, "T1"))
	wantErr(t, s.DeleteWorkspace(ctx(t), tenantA, core.Slack, "T1"), store.ErrNotFound)
	ws, err := s.Workspaces(ctx(t), tenantA)
	must(t, err)
	if len(ws) != 1 || ws[0].ID != "T2" {
		t.Fatalf("workspaces after delete = %+v", ws)
	}
	ls, err := s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ls) != 1 || !reflect.DeepEqual(ls[0].Channels, []core.ChannelRef{ch(core.Slack, "T2", "C2")}) {
		t.Fatalf("the workspace's channels stayed in its links: %+v", ls)
	}
	// The other tenant's link naming the same IDs is untouched.
	ls, err = s.Links(ctx(t), tenantB)
	must(t, err)
	if len(ls) != 1 || len(ls[0].Channels) != 1 {
		t.Fatalf("other tenant's link changed: %+v", ls)
	}
	// The workspace can be connected again.
	must(t, s.PutWorkspace(ctx(t), store.Workspace{Tenant: tenantA, Platform: core.Slack, ID: "T1", Updated: t0}))
}

func testRoles(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	r := store.RoleAssignment{Tenant: tenantA, Person: "p1", Role: "owner", SealedEmail: []byte{1}, Provider: "slack", Origin: store.OriginConfig, Updated: t0}
	must(t, s.PutRole(ctx(t), r))
	must(t, s.PutRole(ctx(t), store.RoleAssignment{Tenant: tenantA, Person: "p0", Role: "viewer", SealedEmail: []byte{2}, Origin: store.OriginAPI, Updated: t0}))
	must(t, s.PutRole(ctx(t), store.RoleAssignment{Tenant: tenantB, Person: "p1", Role: "auditor", SealedEmail: []byte{3}, Updated: t0}))
	must(t, s.PutRole(ctx(t), store.RoleAssignment{Tenant: store.Installation, Person: "p1", Role: "operator", SealedEmail: []byte{4}, Updated: t0}))
	wantErr(t, s.PutRole(ctx(t), store.RoleAssignment{Tenant: "nobody", Person: "p1", Role: "owner", SealedEmail: []byte{1}}), store.ErrNotFound)

	rs, err := s.Roles(ctx(t), tenantA)
	must(t, err)
	if len(rs) != 2 || rs[0].Person != "p0" || !reflect.DeepEqual(rs[1], r) {
		t.Fatalf("Roles(A) = %+v", rs)
	}
	of, err := s.RolesOf(ctx(t), "p1")
	must(t, err)
	if len(of) != 3 || of[0].Tenant != store.Installation || of[1].Tenant != tenantA || of[2].Tenant != tenantB || of[2].Role != "auditor" {
		t.Fatalf("RolesOf(p1) = %+v", of)
	}
	// Changing a role replaces it.
	r.Role = "admin"
	must(t, s.PutRole(ctx(t), r))
	rs, err = s.Roles(ctx(t), tenantA)
	must(t, err)
	if rs[1].Role != "admin" {
		t.Fatalf("role not changed: %+v", rs[1])
	}
	must(t, s.DeleteRole(ctx(t), tenantA, "p1"))
	wantErr(t, s.DeleteRole(ctx(t), tenantA, "p1"), store.ErrNotFound)
	of, err = s.RolesOf(ctx(t), "p1")
	must(t, err)
	if len(of) != 2 {
		t.Fatalf("revoking in A touched other scopes: %+v", of)
	}
}

func testAccessTokens(t *testing.T, s store.Store) {
	tok := store.AccessToken{Hash: "h1", ID: "id1", Kind: store.TokenPersonal, Person: "p1", Provider: "slack", Created: t0, Expires: t0.Add(time.Hour)}
	must(t, s.CreateAccessToken(ctx(t), tok))
	wantErr(t, s.CreateAccessToken(ctx(t), store.AccessToken{Hash: "h1", ID: "id2", Kind: store.TokenPersonal, Person: "p1"}), store.ErrExists)
	wantErr(t, s.CreateAccessToken(ctx(t), store.AccessToken{Hash: "h2", ID: "id1", Kind: store.TokenPersonal, Person: "p1"}), store.ErrExists)
	must(t, s.CreateAccessToken(ctx(t), store.AccessToken{Hash: "h3", ID: "id3", Kind: store.TokenSession, Person: "p1", Created: t0, Expires: t0.Add(time.Minute)}))
	must(t, s.CreateAccessToken(ctx(t), store.AccessToken{Hash: "h4", ID: "id4", Kind: store.TokenPersonal, Person: "p2", Created: t0}))

	got, err := s.AccessToken(ctx(t), "h1")
	must(t, err)
	if !reflect.DeepEqual(got, tok) {
		t.Fatalf("AccessToken = %+v, want %+v", got, tok)
	}
	_, err = s.AccessToken(ctx(t), "nope")
	wantErr(t, err, store.ErrNotFound)
	ts, err := s.AccessTokens(ctx(t), "p1", store.TokenPersonal)
	must(t, err)
	if len(ts) != 1 || ts[0].ID != "id1" {
		t.Fatalf("AccessTokens(p1, personal) = %+v", ts)
	}
	// One person cannot revoke another's token.
	wantErr(t, s.DeleteAccessToken(ctx(t), "p2", "id1"), store.ErrNotFound)
	must(t, s.DeleteAccessToken(ctx(t), "p1", "id1"))
	_, err = s.AccessToken(ctx(t), "h1")
	wantErr(t, err, store.ErrNotFound)

	// Expired tokens are purged with everything else that expires; one
	// without expiry stays.
	n, err := s.DeleteExpired(ctx(t), t0.Add(2*time.Minute))
	must(t, err)
	if n != 1 {
		t.Fatalf("DeleteExpired = %d, want 1 (the session)", n)
	}
	if _, err := s.AccessToken(ctx(t), "h4"); err != nil {
		t.Fatalf("token without expiry purged: %v", err)
	}
}

func audit(tenant core.TenantID, seq int64) store.AuditEntry {
	return store.AuditEntry{Tenant: tenant, Seq: seq, Time: t0.Add(time.Duration(seq) * time.Second), Actor: "p1", Role: "owner",
		Action: "link.create", Target: "link:L1", Outcome: "ok", Prev: "m" + string(rune('0'+seq-1)), MAC: "m" + string(rune('0'+seq))}
}

func testAudit(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	_, err := s.LastAudit(ctx(t), tenantA)
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.AppendAudit(ctx(t), audit(tenantA, 2)), store.ErrConflict)
	for seq := int64(1); seq <= 5; seq++ {
		must(t, s.AppendAudit(ctx(t), audit(tenantA, seq)))
	}
	wantErr(t, s.AppendAudit(ctx(t), audit(tenantA, 5)), store.ErrConflict)
	wantErr(t, s.AppendAudit(ctx(t), audit(tenantA, 7)), store.ErrConflict)
	must(t, s.AppendAudit(ctx(t), audit(tenantB, 1)))
	must(t, s.AppendAudit(ctx(t), audit(store.Installation, 1)))

	last, err := s.LastAudit(ctx(t), tenantA)
	must(t, err)
	if !reflect.DeepEqual(last, audit(tenantA, 5)) {
		t.Fatalf("LastAudit = %+v", last)
	}
	es, err := s.Audit(ctx(t), tenantA, 1, 3)
	must(t, err)
	if len(es) != 3 || es[0].Seq != 2 || es[2].Seq != 4 || !reflect.DeepEqual(es[0], audit(tenantA, 2)) {
		t.Fatalf("Audit(after 1, 3) = %+v", es)
	}
	chains, err := s.AuditChains(ctx(t))
	must(t, err)
	if !reflect.DeepEqual(chains, []core.TenantID{store.Installation, tenantA, tenantB}) {
		t.Fatalf("AuditChains = %q", chains)
	}

	n, err := s.PurgeAudit(ctx(t), tenantA, 3)
	must(t, err)
	if n != 2 {
		t.Fatalf("PurgeAudit = %d, want 2", n)
	}
	es, err = s.Audit(ctx(t), tenantA, 0, 0)
	must(t, err)
	if len(es) != 3 || es[0].Seq != 3 {
		t.Fatalf("after purge Audit = %+v", es)
	}
	// The chain goes on after a purge.
	must(t, s.AppendAudit(ctx(t), audit(tenantA, 6)))
	es, err = s.Audit(ctx(t), tenantB, 0, 0)
	must(t, err)
	if len(es) != 1 {
		t.Fatalf("purging A touched B: %+v", es)
	}
}

// testAuditConcurrent: of many writers racing for the next place in one
// chain, exactly one wins each place.
func testAuditConcurrent(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA)
	var wg sync.WaitGroup
	wins := make(chan int64, 64)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 8 {
				last, err := s.LastAudit(ctx(t), tenantA)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Error(err)
					return
				}
				err = s.AppendAudit(ctx(t), audit(tenantA, last.Seq+1))
				if err == nil {
					wins <- last.Seq + 1
				} else if !errors.Is(err, store.ErrConflict) {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(wins)
	seen := map[int64]bool{}
	for seq := range wins {
		if seen[seq] {
			t.Fatalf("place %d won twice", seq)
		}
		seen[seq] = true
	}
	es, err := s.Audit(ctx(t), tenantA, 0, 0)
	must(t, err)
	if len(es) != len(seen) {
		t.Fatalf("%d entries stored, %d appends won", len(es), len(seen))
	}
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Fatalf("gap at %d: %d", i+1, e.Seq)
		}
	}
}
