package admin

import (
	"strings"
	"testing"
	"time"

	"parley/internal/store"
)

// TestAlertsAndRelease: alerts are listed content-free for the tenant
// only; a release lifts the quarantine, is announced, and is idempotent.
func TestAlertsAndRelease(t *testing.T) {
	e := newEnv(t)
	e.seed()
	ctx := t.Context()
	if err := e.st.AddAlert(ctx, store.Alert{Tenant: "t1", ID: "al_1", Time: e.now, Kind: "limit.files_per_hour", Link: "L1", Detail: "4 files in the last hour; the limit is 3"}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddAlert(ctx, store.Alert{Tenant: "t2", ID: "al_2", Time: e.now, Kind: "other"}); err != nil {
		t.Fatal(err)
	}
	status, b := e.do("GET", "tenants/t1/alerts", e.tokens["auditor@t1.example"], nil)
	var out AlertsOut
	e.decode(b, &out)
	if status != 200 || len(out.Alerts) != 1 || out.Alerts[0].Kind != "limit.files_per_hour" || out.Alerts[0].Link != "L1" || !out.Alerts[0].Time.Equal(e.now) {
		t.Fatalf("alerts: %d %s", status, b)
	}
	if status, b := e.do("GET", "tenants/t1/alerts?since="+e.now.Add(time.Second).Format(time.RFC3339), e.tokens["auditor@t1.example"], nil); status != 200 || strings.Contains(string(b), "al_1") {
		t.Fatalf("since: %d %s", status, b)
	}
	if status, _ := e.do("GET", "tenants/t1/alerts?limit=0", e.tokens["auditor@t1.example"], nil); status != 400 {
		t.Fatalf("limit=0: %d", status)
	}

	if err := e.st.PutQuarantine(ctx, store.Quarantine{Tenant: "t1", Link: "L1", Since: e.now, Reason: "limit"}); err != nil {
		t.Fatal(err)
	}
	e.changes = nil
	status, b = e.do("POST", "tenants/t1/links/L1/release", e.tokens["admin@t1.example"], nil)
	if status != 200 || !strings.Contains(string(b), `"released":true`) {
		t.Fatalf("release: %d %s", status, b)
	}
	if qs, _ := e.st.Quarantines(ctx); len(qs) != 0 {
		t.Fatalf("still quarantined: %+v", qs)
	}
	if len(e.changes) != 1 || e.changes[0].What != "quarantine" {
		t.Fatalf("changes: %+v", e.changes)
	}
	if status, b = e.do("POST", "tenants/t1/links/L1/release", e.tokens["admin@t1.example"], nil); status != 200 || !strings.Contains(string(b), `"released":false`) {
		t.Fatalf("second release: %d %s", status, b)
	}
	if status, _ = e.do("POST", "tenants/t1/links/nope/release", e.tokens["admin@t1.example"], nil); status != 404 {
		t.Fatalf("unknown link: %d", status)
	}
}
