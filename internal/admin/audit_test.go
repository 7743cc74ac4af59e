package admin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parley/internal/store"
)

// TestAuditRecordsChanges: a change and a traffic read each leave an
// entry naming the person, role, action, target and outcome; a denied
// change is recorded as denied; the chain verifies.
func TestAuditRecordsChanges(t *testing.T) {
	e := newEnv(t)
	e.seed()
	op := e.tokens["operator@t1.example"]
	status, _ := e.do("POST", "tenants/t1/links", op, LinkIn{ID: "new", Name: "n", Channels: []Channel{{"slack", "W1x", "A"}, {"slack", "W1y", "B"}}})
	if status != 201 {
		t.Fatalf("create: %d", status)
	}
	e.do("DELETE", "tenants/t1/links/new", op, nil)
	e.do("GET", "tenants/t1/traffic", e.tokens["auditor@t1.example"], nil)
	e.do("DELETE", "tenants/t1/links/L1", e.tokens["viewer@t1.example"], nil) // denied

	_, b := e.do("GET", "tenants/t1/audit", e.tokens["auditor@t1.example"], nil)
	var out AuditOut
	e.decode(b, &out)
	var got []string
	for _, en := range out.Entries {
		got = append(got, strings.Join([]string{en.Actor, en.Role, en.Action, en.Target, en.Outcome}, " "))
	}
	want := []string{
		e.persons["operator@t1.example"] + " operator link.create link:new ok",
		e.persons["operator@t1.example"] + " operator link.delete link:new ok",
		e.persons["auditor@t1.example"] + " auditor traffic.read tenants/t1/traffic ok",
		e.persons["viewer@t1.example"] + " viewer link.delete tenants/t1/links/L1 denied",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Nothing of t1 went into t2's chain.
	_, b = e.do("GET", "tenants/t2/audit", e.tokens["owner@t2.example"], nil)
	var other AuditOut
	e.decode(b, &other)
	if len(other.Entries) != 0 {
		t.Fatalf("t2's audit log has %+v", other.Entries)
	}
	_, b = e.do("GET", "tenants/t1/audit/verify", e.tokens["owner@t1.example"], nil)
	var v Verification
	e.decode(b, &v)
	if !v.OK || v.Entries != 4 {
		t.Fatalf("verify: %+v", v)
	}
	// The export is JSON lines with the chain's MACs.
	_, b = e.do("GET", "tenants/t1/audit/export", e.tokens["owner@t1.example"], nil)
	sc := bufio.NewScanner(bytes.NewReader(b))
	lines := 0
	for sc.Scan() {
		var en AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &en); err != nil || en.MAC == "" {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		lines++
	}
	if lines != 4 {
		t.Fatalf("export has %d lines", lines)
	}
}

// TestAuditChainDetectsTampering changes, removes and reorders entries
// through SQL and checks that verification names each break.
func TestAuditChainDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"changed target", `UPDATE audit_log SET target = 'link:other' WHERE seq = 3`, "entry 3 was changed"},
		{"changed outcome", `UPDATE audit_log SET outcome = 'ok' WHERE seq = 2`, "entry 2 was changed"},
		{"removed entry", `DELETE FROM audit_log WHERE seq = 3`, "entries 3 to 3 are missing"},
		{"removed first", `DELETE FROM audit_log WHERE seq = 1`, "missing from the start"},
		{"forged checkpoint", `INSERT INTO audit_log VALUES ('t1', 6, 0, 'x', 'x', 'audit.purge', 'seq:3', 'ok', 'x', 'x')`, "entry 6 was changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.seed()
			for i := range 5 {
				e.now = e.now.Add(time.Second)
				rec(t, e, "t1", i)
			}
			if v, _ := VerifyChain(t.Context(), e.st, e.v, "t1"); !v.OK || v.Entries != 5 {
				t.Fatalf("before tampering: %+v", v)
			}
			db := e.rawDB()
			if _, err := db.Exec(`DROP TRIGGER audit_log_append_only`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			v, err := VerifyChain(t.Context(), e.st, e.v, "t1")
			if err != nil {
				t.Fatal(err)
			}
			if v.OK || !strings.Contains(strings.Join(v.Problems, "; "), tc.want) {
				t.Fatalf("tampering %q: %+v, want a problem with %q", tc.sql, v, tc.want)
			}
		})
	}
}

// TestAuditAppendOnly: the store refuses to update an entry.
func TestAuditAppendOnly(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec(t, e, "t1", 0)
	if _, err := e.rawDB().Exec(`UPDATE audit_log SET outcome = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update: %v", err)
	}
}

// TestAuditRetention: a purge removes entries older than the retention
// period and leaves a checkpoint; the chain still verifies, and entries
// removed beyond the checkpoint are still detected.
func TestAuditRetention(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AuditRetention = 48 * time.Hour })
	e.seed()
	for i := range 4 {
		rec(t, e, "t1", i)
		e.now = e.now.Add(24 * time.Hour)
	}
	n, err := e.api.PurgeAudit(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("purged %d, want 2 (entries older than 48 h)", n)
	}
	v, _ := VerifyChain(t.Context(), e.st, e.v, "t1")
	if !v.OK || v.First != 3 || v.Entries != 3 {
		t.Fatalf("after purge: %+v", v)
	}
	rec(t, e, "t1", 9)
	if v, _ := VerifyChain(t.Context(), e.st, e.v, "t1"); !v.OK {
		t.Fatalf("chain broken after purge and append: %+v", v)
	}
	// Removing one more old entry than the checkpoint allows is caught.
	if _, err := e.st.PurgeAudit(t.Context(), "t1", 4); err != nil {
		t.Fatal(err)
	}
	if v, _ := VerifyChain(t.Context(), e.st, e.v, "t1"); v.OK {
		t.Fatalf("a purge beyond the checkpoint went unnoticed: %+v", v)
	}
}

func rec(t *testing.T, e *env, tn string, i int) {
	t.Helper()
	_, err := appendAudit(t.Context(), e.st, e.v, store.AuditEntry{Tenant: storeTenant(tn), Time: e.now, Actor: "p_x", Role: "owner",
		Action: "link.update", Target: "link:L" + string(rune('0'+i)), Outcome: []string{"ok", "conflict"}[i%2]})
	if err != nil {
		t.Fatal(err)
	}
}
