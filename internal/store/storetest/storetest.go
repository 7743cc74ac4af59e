// Package storetest is the conformance suite every store.Store back end
// must pass. A back end's tests call Run with a function that opens a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { … })
//	}
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// Run runs every conformance test, each against its own store from open.
// open must register the store's cleanup with t.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Tenants", testTenants},
		{"DeleteTenant", testDeleteTenant},
		{"Workspaces", testWorkspaces},
		{"WorkspaceOwner", testWorkspaceOwner},
		{"Links", testLinks},
		{"LinkConflicts", testLinkConflicts},
		{"Keys", testKeys},
		{"KeyCompareAndSwap", testKeyCompareAndSwap},
		{"Copies", testCopies},
		{"Expiry", testExpiry},
		{"FirstSeen", testFirstSeen},
		{"FirstSeenConcurrent", testFirstSeenConcurrent},
		{"CreateKeyConcurrent", testCreateKeyConcurrent},
		{"Isolation", testIsolation},
		{"Traffic", testTraffic},
		{"Cursors", testCursors},
		{"DeadLetters", testDeadLetters},
		{"Origins", testOrigins},
		{"DeleteWorkspace", testDeleteWorkspace},
		{"Roles", testRoles},
		{"AccessTokens", testAccessTokens},
		{"Audit", testAudit},
		{"AuditConcurrent", testAuditConcurrent},
		{"Policies", testPolicies},
		{"Alerts", testAlerts},
		{"Quarantines", testQuarantines},
		{"Ping", testPing},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// Fixed values shared by the tests. Times are whole microseconds in UTC so
// that back ends storing less than nanoseconds still compare equal.
var (
	tenantA = core.TenantID("tenant-a")
	tenantB = core.TenantID("tenant-b")
	t0      = time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
)

func ctx(t *testing.T) context.Context { return t.Context() }

func mustCreateTenants(t *testing.T, s store.Store, ids ...core.TenantID) {
	t.Helper()
	for _, id := range ids {
		if err := s.CreateTenant(ctx(t), store.Tenant{ID: id, Name: "name of " + string(id), Created: t0}); err != nil {
			t.Fatalf("CreateTenant(%s): %v", id, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// testPing: readiness probes ask Ping whether the database answers; it
// must say yes while it does and no once it cannot (here: closed).
func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping on an open store: %v", err)
	}
	must(t, s.Close())
	if err := s.Ping(ctx(t)); err == nil {
		t.Error("Ping on a closed store returned nil")
	}
}
