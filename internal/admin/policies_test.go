package admin

import (
	"os"
	"strings"
	"testing"

	"parley/internal/policy"
)

// TestPolicies: an admin replaces the policy document; it is validated
// (errors name the field), normalised, audited, announced to the nodes,
// read back by an auditor, and stored sealed: the database file does not
// hold a restricted person's email.
func TestPolicies(t *testing.T) {
	e := newEnv(t)
	e.seed()
	admin, auditor := e.tokens["admin@t1.example"], e.tokens["auditor@t1.example"]

	status, b := e.do("GET", "tenants/t1/policies", auditor, nil)
	if status != 200 || strings.TrimSpace(string(b)) != `{"links":{}}` {
		t.Fatalf("empty policy: %d %s", status, b)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"links":{"L9":{}}}`, "links.L9: the tenant has no such link"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"(","action":"block"}]}}}`, "links.L1.rules[0].pattern: not a valid RE2"},
		{`{"links":{"L1":{"files":{"enabled":"no"}}}}`, "files.enabled"},
		{`{"links":{"L1":{"colour":"red"}}}`, `unknown field \"colour\"`},
	} {
		status, b := e.do("PUT", "tenants/t1/policies", admin, tc.body)
		if status != 400 || !strings.Contains(string(b), tc.want) {
			t.Errorf("PUT %s: %d %s, want 400 naming %q", tc.body, status, b, tc.want)
		}
	}
	e.changes = nil
	doc := `{"links":{"L1":{"restricted_people":["Secret.Person@t1.example"],"files":{"enabled":false},
		"rules":[{"detector":"payment_card","action":"block"},{"detector":"regex","name":"codename","pattern":"bluebird","action":"redact"}],
		"limits":{"files_per_hour":3}}},"alert_webhook":"https://siem.example/hook"}`
	status, b = e.do("PUT", "tenants/t1/policies", admin, doc)
	if status != 200 {
		t.Fatalf("PUT: %d %s", status, b)
	}
	if len(e.changes) != 1 || e.changes[0].What != "policies" || e.changes[0].Tenant != "t1" {
		t.Fatalf("changes announced: %+v", e.changes)
	}
	var got policy.Document
	status, b = e.do("GET", "tenants/t1/policies", auditor, nil)
	e.decode(b, &got)
	l := got.Links["L1"]
	if status != 200 || len(l.RestrictedPeople) != 1 || l.RestrictedPeople[0] != "secret.person@t1.example" || l.Rules[0].Name != "payment card number" ||
		l.Limits == nil || l.Limits.Action != "alert" || got.AlertWebhook != "https://siem.example/hook" {
		t.Fatalf("GET after PUT: %d %s", status, b)
	}
	// t2 sees its own (empty) document.
	if _, b := e.do("GET", "tenants/t2/policies", e.tokens["owner@t2.example"], nil); strings.Contains(string(b), "L1") {
		t.Fatalf("t2 sees t1's policy: %s", b)
	}
	audit, _ := e.st.Audit(t.Context(), "t1", 0, 100)
	var updates []string
	for _, a := range audit {
		if a.Action == "policy.update" {
			updates = append(updates, a.Outcome+" "+a.Target)
		}
	}
	if strings.Join(updates, ",") != strings.Repeat("bad_request tenants/t1/policies,", 4)+"ok tenants/t1/policies" {
		t.Fatalf("audit entries: %v", updates)
	}
	e.st.Close()
	raw, err := os.ReadFile(e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"secret.person", "Secret.Person", "bluebird", "siem.example"} {
		if strings.Contains(string(raw), clear) {
			t.Fatalf("the database file holds %q in clear", clear)
		}
	}
}
