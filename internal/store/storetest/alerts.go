package storetest

import (
	"testing"
	"time"

	"parley/internal/store"
)

func testAlerts(t *testing.T, s store.Store) {
	wantErr(t, s.AddAlert(ctx(t), store.Alert{Tenant: tenantA, ID: "a0", Time: t0}), store.ErrNotFound)
	mustCreateTenants(t, s, tenantA, tenantB)
	must(t, s.AddAlert(ctx(t), store.Alert{Tenant: tenantA, ID: "a2", Time: t0.Add(2 * time.Second), Kind: "limit.files_per_hour", Link: "L1", Detail: "4 files", Expires: t0.Add(time.Hour)}))
	must(t, s.AddAlert(ctx(t), store.Alert{Tenant: tenantA, ID: "a1", Time: t0.Add(time.Second), Kind: "policy.alert", Detail: "x"}))
	must(t, s.AddAlert(ctx(t), store.Alert{Tenant: tenantB, ID: "b1", Time: t0, Kind: "k", Expires: t0.Add(time.Minute)}))
	must(t, s.AddAlert(ctx(t), store.Alert{Tenant: store.Installation, ID: "i1", Time: t0, Kind: "auth.rejected_burst"}))
	if as, _ := s.Alerts(ctx(t), store.Installation, t0, 10); len(as) != 1 || as[0].ID != "i1" {
		t.Fatalf("installation alerts: %+v", as)
	}
	as, err := s.Alerts(ctx(t), tenantA, t0, 10)
	must(t, err)
	if len(as) != 2 || as[0].ID != "a1" || as[1].ID != "a2" || as[1].Link != "L1" || as[1].Kind != "limit.files_per_hour" || as[1].Detail != "4 files" || !as[1].Time.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("Alerts = %+v", as)
	}
	if as, _ := s.Alerts(ctx(t), tenantA, t0.Add(2*time.Second), 10); len(as) != 1 {
		t.Fatalf("since: %+v", as)
	}
	if as, _ := s.Alerts(ctx(t), tenantA, t0, 1); len(as) != 1 {
		t.Fatalf("limit: %+v", as)
	}
	// Expiry takes b1 (and a2 later), never a1 (no expiry).
	_, err = s.DeleteExpired(ctx(t), t0.Add(2*time.Minute))
	must(t, err)
	if as, _ := s.Alerts(ctx(t), tenantB, t0, 10); len(as) != 0 {
		t.Fatalf("expired alert kept: %+v", as)
	}
	if as, _ := s.Alerts(ctx(t), tenantA, t0, 10); len(as) != 2 {
		t.Fatalf("unexpired alerts went: %+v", as)
	}
}

func testQuarantines(t *testing.T, s store.Store) {
	wantErr(t, s.PutQuarantine(ctx(t), store.Quarantine{Tenant: tenantA, Link: "L1", Since: t0}), store.ErrNotFound)
	mustCreateTenants(t, s, tenantA, tenantB)
	must(t, s.PutQuarantine(ctx(t), store.Quarantine{Tenant: tenantA, Link: "L1", Since: t0, Reason: "limit.files_per_hour"}))
	must(t, s.PutQuarantine(ctx(t), store.Quarantine{Tenant: tenantA, Link: "L1", Since: t0.Add(1), Reason: "again"}))
	must(t, s.PutQuarantine(ctx(t), store.Quarantine{Tenant: tenantB, Link: "L1", Since: t0, Reason: "r"}))
	qs, err := s.Quarantines(ctx(t))
	must(t, err)
	if len(qs) != 2 || qs[0].Tenant != tenantA || qs[0].Reason != "again" || !qs[0].Since.Equal(t0.Add(1)) || qs[1].Tenant != tenantB {
		t.Fatalf("Quarantines = %+v", qs)
	}
	must(t, s.DeleteQuarantine(ctx(t), tenantA, "L1"))
	wantErr(t, s.DeleteQuarantine(ctx(t), tenantA, "L1"), store.ErrNotFound)
	if qs, _ := s.Quarantines(ctx(t)); len(qs) != 1 || qs[0].Tenant != tenantB {
		t.Fatalf("after release: %+v", qs)
	}
}
