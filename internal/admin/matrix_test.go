package admin

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// expected is who may call what, written out independently of the route
// table (from SANDBOX.md's table and the package doc). The test fails if
// the table has a route this list lacks, or the other way round, or if
// any caller gets in anywhere else.
var expected = map[string][]string{
	"GET openapi.json":             {"public"},
	"GET auth/providers":           {"public"},
	"GET auth/{provider}/login":    {"public"},
	"GET auth/{provider}/callback": {"public"},
	"POST auth/logout":             {"signed-in"},
	"GET me":                       {"signed-in"},
	"GET tokens":                   {"signed-in"},
	"POST tokens":                  {"signed-in"},
	"DELETE tokens/{id}":           {"signed-in"},
	"GET status":                   {"installation"},
	"GET installation/audit":       {"installation"},
	"GET installation/alerts":      {"installation"},
	"GET tenants":                  {"signed-in"},
	"POST tenants":                 {"installation"},

	"GET tenants/{tenant}":                                      {"owner", "admin", "operator", "auditor", "viewer"},
	"GET tenants/{tenant}/links":                                {"owner", "admin", "operator", "auditor", "viewer"},
	"POST tenants/{tenant}/links":                               {"owner", "admin", "operator"},
	"GET tenants/{tenant}/links/{link}":                         {"owner", "admin", "operator", "auditor", "viewer"},
	"PATCH tenants/{tenant}/links/{link}":                       {"owner", "admin", "operator"},
	"DELETE tenants/{tenant}/links/{link}":                      {"owner", "admin", "operator"},
	"GET tenants/{tenant}/workspaces":                           {"owner", "admin", "operator", "auditor", "viewer"},
	"DELETE tenants/{tenant}/workspaces/{platform}/{workspace}": {"owner", "admin"},
	"GET tenants/{tenant}/traffic":                              {"owner", "admin", "auditor"},
	"GET tenants/{tenant}/audit":                                {"owner", "auditor"},
	"GET tenants/{tenant}/audit/export":                         {"owner", "auditor"},
	"GET tenants/{tenant}/audit/verify":                         {"owner", "auditor"},
	"GET tenants/{tenant}/roles":                                {"owner", "admin"},
	"POST tenants/{tenant}/roles":                               {"owner", "admin"},
	"PATCH tenants/{tenant}/roles/{person}":                     {"owner", "admin"},
	"DELETE tenants/{tenant}/roles/{person}":                    {"owner", "admin"},
	"GET tenants/{tenant}/config.yaml":                          {"owner", "admin"},
	"GET tenants/{tenant}/policies":                             {"owner", "admin", "auditor"},
	"PUT tenants/{tenant}/policies":                             {"owner", "admin"},
	"GET tenants/{tenant}/alerts":                               {"owner", "admin", "auditor"},
	"POST tenants/{tenant}/links/{link}/release":                {"owner", "admin"},
}

func TestRouteTableIsTheExpectedTable(t *testing.T) {
	e := newEnv(t)
	got := map[string][]string{}
	for _, rt := range e.api.Routes() {
		var who []string
		switch rt.Access.kind {
		case accessPublic:
			who = []string{"public"}
		case accessSignedIn:
			who = []string{"signed-in"}
		case accessInstallation:
			who = []string{"installation"}
		case accessTenant:
			who = roleNames(rt.Access.roles)
		}
		got[rt.Method+" "+rt.Path] = who
	}
	for k, want := range expected {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: expected, not routed", k)
		} else if !slices.Equal(sorted(g), sorted(want)) {
			t.Errorf("%s: routed for %v, expected %v", k, g, want)
		}
	}
	for k := range got {
		if _, ok := expected[k]; !ok {
			t.Errorf("%s: routed, but not in the expected table", k)
		}
	}
}

func sorted(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }

// caller is one principal of the matrix.
type caller struct {
	name   string
	token  func(e *env) string
	tenant core.TenantID // where it holds a role ("" for none)
	role   Role
	kind   string // "person", "installation", "bootstrap", "anonymous"
}

func callers() []caller {
	var cs []caller
	for _, r := range TenantRoles {
		email := string(r) + "@t1.example"
		cs = append(cs, caller{name: "t1 " + string(r), token: func(e *env) string { return e.tokens[email] }, tenant: "t1", role: r, kind: "person"})
	}
	cs = append(cs,
		caller{name: "t2 owner", token: func(e *env) string { return e.tokens["owner@t2.example"] }, tenant: "t2", role: Owner, kind: "person"},
		caller{name: "installation operator", token: func(e *env) string { return e.tokens["op@install.example"] }, kind: "installation"},
		caller{name: "bootstrap token", token: func(*env) string { return bootstrapSecret }, kind: "bootstrap"},
		caller{name: "anonymous", token: func(*env) string { return "" }, kind: "anonymous"},
		caller{name: "forged token", token: func(*env) string { return "parley_pat_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43) }, kind: "anonymous"},
	)
	return cs
}

// request fills a route's path and body for a call on tenant tn.
func (e *env) request(rt Route, c caller, tn core.TenantID, n int) (string, any) {
	p := rt.Path
	person := e.persons["viewer@"+string(tn)+".example"]
	if person == "" {
		person = "p_nobody"
	}
	repl := map[string]string{
		"{tenant}": string(tn), "{link}": "L1", "{platform}": "slack", "{workspace}": string(e.ws(tn, "y")),
		"{person}": person, "{provider}": "none",
	}
	if strings.Contains(p, "{id}") {
		id := "nosuchtoken"
		if tok := c.token(e); c.kind == "person" || c.kind == "installation" {
			who, aerr := e.api.tokenPrincipal(e.t.Context(), tok, store.TokenPersonal)
			if aerr != nil {
				e.t.Fatal(aerr)
			}
			_, t, err := e.api.issue(e.t.Context(), store.TokenPersonal, who.person, "", e.now.Add(time.Hour))
			if err != nil {
				e.t.Fatal(err)
			}
			id = t.ID
		}
		repl["{id}"] = id
	}
	for k, v := range repl {
		p = strings.ReplaceAll(p, k, v)
	}
	var body any
	switch rt.Method + " " + rt.Path {
	case "POST tenants":
		body = NewTenant{ID: fmt.Sprintf("new%d", n), Name: "New", Owners: []string{"boss@new.example"}}
	case "POST tenants/{tenant}/links":
		body = LinkIn{ID: fmt.Sprintf("new%d", n), Name: "new", Channels: []Channel{
			{"slack", string(e.ws(tn, "x")), fmt.Sprintf("N%da", n)}, {"slack", string(e.ws(tn, "y")), fmt.Sprintf("N%db", n)}}}
	case "PATCH tenants/{tenant}/links/{link}":
		body = map[string]any{"name": "renamed"}
	case "POST tenants/{tenant}/roles":
		body = RoleIn{Email: fmt.Sprintf("new%d@%s.example", n, tn), Role: "viewer"}
	case "PATCH tenants/{tenant}/roles/{person}":
		body = RolePatch{Role: "auditor"}
	case "POST tokens":
		body = TokenIn{}
	case "PUT tenants/{tenant}/policies":
		body = map[string]any{"links": map[string]any{"L1": map[string]any{"rules": []any{map[string]any{"detector": "payment_card", "action": "block"}}}}}
	}
	return p, body
}

// TestAccessMatrix walks every route × caller × (own tenant, other
// tenant) and checks the answer: allowed calls succeed, a role without
// the permission gets 403, and a tenant where the caller has no role
// answers exactly as a tenant that does not exist.
func TestAccessMatrix(t *testing.T) {
	e := newEnv(t)
	e.seed()
	n := 0
	for _, rt := range e.api.Routes() {
		key := rt.Method + " " + rt.Path
		want := expected[key]
		for _, c := range callers() {
			targets := []core.TenantID{"t1"}
			if rt.Access.kind == accessTenant {
				targets = []core.TenantID{"t1", "t2"}
			}
			for _, tn := range targets {
				n++
				e.reset("t1")
				e.reset("t2")
				name := fmt.Sprintf("%s/%s/%s", key, c.name, tn)
				path, body := e.request(rt, c, tn, n)
				status, got := e.do(rt.Method, path, c.token(e), body)
				switch {
				case want[0] == "public":
					anonStatus, _ := e.do(rt.Method, path, "", body)
					if status != anonStatus || status == 403 || bytes.Contains(got, []byte("unauthenticated")) {
						t.Errorf("%s: %d (anonymous: %d): a public route must answer everyone alike", name, status, anonStatus)
					}
				case c.kind == "anonymous":
					wantBody(t, name, status, got, 401, "unauthenticated")
				case want[0] == "signed-in":
					exception := c.kind == "bootstrap" && (key == "POST tokens" || key == "DELETE tokens/{id}")
					if !exception && status/100 != 2 {
						t.Errorf("%s: %d %s, want success", name, status, got)
					}
				case want[0] == "installation":
					if c.kind == "installation" || c.kind == "bootstrap" {
						if status/100 != 2 {
							t.Errorf("%s: %d %s, want success", name, status, got)
						}
					} else {
						wantBody(t, name, status, got, 403, "forbidden")
					}
				default: // a tenant route
					if c.tenant != tn {
						// Exactly what a tenant that does not exist gets.
						nopePath, _ := e.request(rt, c, "nope", n)
						ns, nb := e.do(rt.Method, nopePath, c.token(e), body)
						if status != 404 || ns != 404 || !bytes.Equal(got, nb) {
							t.Errorf("%s: %d %s; a tenant that does not exist: %d %s; want both 404, same body", name, status, got, ns, nb)
						}
					} else if slices.Contains(want, string(c.role)) {
						if status/100 != 2 {
							t.Errorf("%s: %d %s, want success", name, status, got)
						}
					} else {
						wantBody(t, name, status, got, 403, "forbidden")
					}
				}
			}
		}
	}
	t.Logf("%d calls checked", n)
}

func wantBody(t *testing.T, name string, status int, body []byte, wantStatus int, code string) {
	t.Helper()
	if status != wantStatus || !bytes.Contains(body, []byte(`"code":"`+code+`"`)) {
		t.Errorf("%s: %d %s, want %d %s", name, status, body, wantStatus, code)
	}
}

// TestOtherTenantGetsNothing: the second tenant's owner, on every route
// of the first tenant, gets 404 with the very body a made-up tenant gets,
// and its tenant list does not name the first.
func TestOtherTenantGetsNothing(t *testing.T) {
	e := newEnv(t)
	e.seed()
	tok := e.tokens["owner@t2.example"]
	_, nope := e.do("GET", "tenants/does-not-exist/links", tok, nil)
	for _, rt := range e.api.Routes() {
		if rt.Access.kind != accessTenant {
			continue
		}
		path, body := e.request(rt, caller{token: func(*env) string { return tok }}, "t1", 0)
		status, got := e.do(rt.Method, path, tok, body)
		if status != http.StatusNotFound || !bytes.Equal(got, nope) {
			t.Errorf("%s %s: %d %s, want 404 %s", rt.Method, path, status, got, nope)
		}
	}
	_, list := e.do("GET", "tenants", tok, nil)
	var out TenantsOut
	e.decode(list, &out)
	if len(out.Tenants) != 1 || out.Tenants[0].ID != "t2" {
		t.Fatalf("t2's owner lists %+v", out.Tenants)
	}
	// Nothing of t1 changed.
	ls, _ := e.st.Links(t.Context(), "t1")
	if len(ls) != 1 || ls[0].Name != "room" {
		t.Fatalf("t1's links changed: %+v", ls)
	}
}
