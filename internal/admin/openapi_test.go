package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDocument: the served document validates with kin-openapi,
// every route is in it, and every operation in it is routed.
func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("GET", "openapi.json", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET openapi.json: %d %s", status, body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the document does not validate: %v", err)
	}
	routed := map[string]Route{}
	for _, rt := range e.api.Routes() {
		routed[rt.Method+" /"+rt.Path] = rt
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			documented[key] = true
			rt, ok := routed[key]
			if !ok {
				t.Errorf("%s is documented but not routed", key)
				continue
			}
			// The document states the same access rule the mux applies.
			var acc struct {
				Kind  string   `json:"kind"`
				Roles []string `json:"roles"`
			}
			b, _ := json.Marshal(op.Extensions["x-parley-access"])
			_ = json.Unmarshal(b, &acc)
			if strings.Join(acc.Roles, ",") != strings.Join(roleNames(rt.Access.roles), ",") {
				t.Errorf("%s: documented roles %v, routed %v", key, acc.Roles, rt.Access.roles)
			}
		}
	}
	for key := range routed {
		if !documented[key] {
			t.Errorf("%s is routed but not documented", key)
		}
	}
	// Every documented path actually answers (not the catch-all 404).
	for key := range documented {
		method, path, _ := strings.Cut(key, " ")
		path = strings.NewReplacer("{tenant}", "t1", "{link}", "L1", "{platform}", "slack", "{workspace}", "W", "{person}", "p", "{id}", "i", "{provider}", "x").Replace(path)
		_, b := e.do(method, strings.TrimPrefix(path, "/"), "", nil)
		if strings.Contains(string(b), "no such endpoint") {
			t.Errorf("%s: not routed by the mux", key)
		}
	}
}

// TestRouteWithoutAccessRule: a route without an access rule, a change
// without an audit action, or a tenant route outside tenants/{tenant}
// cannot be served.
func TestRouteWithoutAccessRule(t *testing.T) {
	e := newEnv(t)
	for name, rt := range map[string]Route{
		"no access":    op(Route{Method: "GET", Path: "x"}, e.api.getMe),
		"no action":    op(Route{Method: "POST", Path: "x", Access: SignedIn()}, e.api.createToken),
		"tenant route": op(Route{Method: "GET", Path: "x", Access: Tenant(Owner)}, e.api.getMe),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("the mux accepted it")
				}
			}()
			e.api.handler([]Route{rt})
		})
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Tenant() without roles accepted")
		}
	}()
	Tenant()
}
