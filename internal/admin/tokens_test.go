package admin

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPersonalTokens: created by a person, shown once, stored only as a
// keyed hash, scoped to the person's roles at use time, revocable, and
// refused once expired.
func TestPersonalTokens(t *testing.T) {
	e := newEnv(t)
	e.seed()
	owner := e.tokens["owner@t1.example"]
	status, b := e.do("POST", "tokens", owner, TokenIn{ExpiresInDays: 7})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, b)
	}
	var tok TokenOut
	e.decode(b, &tok)
	if !strings.HasPrefix(tok.Token, patPrefix) || tok.ID == "" {
		t.Fatalf("token %+v", tok)
	}
	// Shown once: listing never reveals a secret.
	_, b = e.do("GET", "tokens", tok.Token, nil)
	if strings.Contains(string(b), tok.Token) || !strings.Contains(string(b), tok.ID) {
		t.Fatalf("list: %s", b)
	}
	// Only a keyed hash is stored: the secret is nowhere in the table.
	var n int
	if err := e.rawDB().QueryRow(`SELECT COUNT(*) FROM access_tokens WHERE hash = ? OR id = ? AND hash LIKE '%parley%'`, tok.Token, tok.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("secret stored: %d %v", n, err)
	}
	// It acts with the person's roles as they are now.
	if s, _ := e.do("GET", "tenants/t1/roles", tok.Token, nil); s != 200 {
		t.Fatalf("owner token: %d", s)
	}
	person := e.persons["owner@t1.example"]
	if s, b := e.do("PATCH", "tenants/t1/roles/"+person, e.tokens["owner@t1.example"], RolePatch{Role: "viewer"}); s != 409 {
		t.Fatalf("demoting the last owner: %d %s", s, b)
	}
	e.person("owner2@t1.example", "t1", "owner")
	if s, b := e.do("PATCH", "tenants/t1/roles/"+person, e.tokens["owner2@t1.example"], RolePatch{Role: "viewer"}); s != 200 {
		t.Fatalf("demote: %d %s", s, b)
	}
	if s, _ := e.do("GET", "tenants/t1/roles", tok.Token, nil); s != 403 {
		t.Fatalf("after demotion to viewer the token still reads roles: %d", s)
	}
	if s, _ := e.do("DELETE", "tenants/t1/roles/"+person, e.tokens["owner2@t1.example"], nil); s != 204 {
		t.Fatalf("revoke: %d", s)
	}
	if s, _ := e.do("GET", "tenants/t1/links", tok.Token, nil); s != 404 {
		t.Fatalf("after revocation the token still reads links: %d", s)
	}
	// Revoked: refused at once.
	if s, _ := e.do("DELETE", "tokens/"+tok.ID, tok.Token, nil); s != 204 {
		t.Fatalf("revoke token: %d", s)
	}
	wantBody(t, "revoked token", first(e.do("GET", "me", tok.Token, nil)), second(e.do("GET", "me", tok.Token, nil)), 401, "unauthenticated")
	// Expired: refused.
	admin := e.tokens["admin@t1.example"]
	e.now = e.now.Add(25 * time.Hour)
	wantBody(t, "expired token", first(e.do("GET", "me", admin, nil)), second(e.do("GET", "me", admin, nil)), 401, "unauthenticated")
}

// TestTokenNeverOutlivesItsMaker: a token made with a token expires no
// later than the one that made it; a request beyond the limit is 400.
func TestTokenNeverOutlivesItsMaker(t *testing.T) {
	e := newEnv(t)
	e.seed()
	_, b := e.do("POST", "tokens", e.tokens["viewer@t1.example"], TokenIn{ExpiresInDays: 30})
	var tok TokenOut
	e.decode(b, &tok)
	if !tok.Expires.Equal(e.now.Add(24 * time.Hour)) {
		t.Fatalf("expires %s, want the maker's %s", tok.Expires, e.now.Add(24*time.Hour))
	}
	if s, b := e.do("POST", "tokens", e.tokens["viewer@t1.example"], TokenIn{ExpiresInDays: 9999}); s != 400 {
		t.Fatalf("too long: %d %s", s, b)
	}
}

// TestAdminCannotMakeOwners: admins manage roles but not the owner role.
func TestAdminCannotMakeOwners(t *testing.T) {
	e := newEnv(t)
	e.seed()
	admin := e.tokens["admin@t1.example"]
	if s, b := e.do("POST", "tenants/t1/roles", admin, RoleIn{Email: "x@t1.example", Role: "owner"}); s != 403 {
		t.Fatalf("admin makes an owner: %d %s", s, b)
	}
	if s, b := e.do("DELETE", "tenants/t1/roles/"+e.persons["owner@t1.example"], admin, nil); s != 403 {
		t.Fatalf("admin revokes an owner: %d %s", s, b)
	}
	if s, b := e.do("POST", "tenants/t1/roles", admin, RoleIn{Email: "x@t1.example", Role: "operator"}); s != 201 {
		t.Fatalf("admin makes an operator: %d %s", s, b)
	}
	_, b := e.do("GET", "tenants/t1/roles", admin, nil)
	if !strings.Contains(string(b), `"email":"x@t1.example","role":"operator"`) {
		t.Fatalf("roles: %s", b)
	}
}

// TestBadInput: strict decoding names unknown fields, bodies are capped,
// wrong types and malformed JSON are 400, cursors and limits are checked;
// nothing is a 500.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	e.seed()
	op := e.tokens["owner@t1.example"]
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		want               string
	}{
		{"unknown field", "POST", "tenants/t1/links", `{"name":"x","channels":[],"colour":"red"}`, 400, `unknown field \"colour\"`},
		{"wrong type", "POST", "tenants/t1/links", `{"name":7}`, 400, `field \"name\"`},
		{"malformed", "POST", "tenants/t1/links", `{"name":`, 400, "bad_request"},
		{"two values", "POST", "tenants/t1/links", `{} {}`, 400, "more than one"},
		{"empty", "POST", "tenants/t1/links", ``, 400, "required"},
		{"huge", "POST", "tenants/t1/links", `{"name":"` + strings.Repeat("x", maxBody) + `"}`, 413, "too_large"},
		{"one channel", "POST", "tenants/t1/links", LinkIn{Name: "x", Channels: []Channel{{"slack", "W1x", "C"}}}, 400, "at least two"},
		{"foreign workspace", "POST", "tenants/t1/links", LinkIn{Name: "x", Channels: []Channel{{"slack", "W1x", "C"}, {"slack", "W2x", "C"}}}, 400, "not one of this tenant"},
		{"channel taken", "POST", "tenants/t1/links", LinkIn{Name: "x", Channels: []Channel{{"slack", "W1x", "C1"}, {"slack", "W1y", "Z"}}}, 409, "another link"},
		{"bad id", "POST", "tenants/t1/links", LinkIn{ID: "a b", Name: "x", Channels: []Channel{{"slack", "W1x", "Q"}, {"slack", "W1y", "R"}}}, 400, "id:"},
		{"bad email", "POST", "tenants/t1/roles", RoleIn{Email: "Alice <a@b.c>", Role: "viewer"}, 400, "bare address"},
		{"bad role", "POST", "tenants/t1/roles", RoleIn{Email: "a@b.example", Role: "god"}, 400, "role"},
		{"bad cursor", "GET", "tenants/t1/links?cursor=!!!", nil, 400, "cursor"},
		{"bad limit", "GET", "tenants/t1/links?limit=0", nil, 400, "limit"},
		{"bad since", "GET", "tenants/t1/traffic?since=yesterday", nil, 400, "RFC 3339"},
		{"no such link", "GET", "tenants/t1/links/nope", nil, 404, "no such link"},
		{"no such endpoint", "GET", "nope", nil, 404, "no such endpoint"},
		{"not bearer", "GET", "me", nil, 401, "unauthenticated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := op
			if tc.name == "not bearer" {
				tok = "x"
			}
			s, b := e.do(tc.method, tc.path, tok, tc.body)
			if s != tc.status || !strings.Contains(string(b), tc.want) || !strings.HasPrefix(string(b), `{"error":{"code":"`) {
				t.Fatalf("%d %s, want %d with %q", s, b, tc.status, tc.want)
			}
		})
	}
}

// TestPagination walks links, roles and audit pages with cursors.
func TestPagination(t *testing.T) {
	e := newEnv(t)
	e.seed()
	owner := e.tokens["owner@t1.example"]
	for i := range 5 {
		id := string(rune('a' + i))
		if s, b := e.do("POST", "tenants/t1/links", owner, LinkIn{ID: id, Name: id, Channels: []Channel{{"slack", "W1x", "P" + id}, {"slack", "W1y", "Q" + id}}}); s != 201 {
			t.Fatalf("%d %s", s, b)
		}
	}
	for _, list := range []struct {
		path string
		want int
		n    func([]byte) (int, string)
	}{
		{"tenants/t1/links", 6, func(b []byte) (int, string) { var o LinksOut; e.decode(b, &o); return len(o.Links), o.NextCursor }},
		{"tenants/t1/roles", 5, func(b []byte) (int, string) { var o RolesOut; e.decode(b, &o); return len(o.Roles), o.NextCursor }},
		{"tenants/t1/audit", 5, func(b []byte) (int, string) { var o AuditOut; e.decode(b, &o); return len(o.Entries), o.NextCursor }},
	} {
		total, cursor, pages := 0, "", 0
		for {
			_, b := e.do("GET", list.path+"?limit=2&cursor="+cursor, owner, nil)
			n, next := list.n(b)
			total += n
			pages++
			if next == "" {
				break
			}
			cursor = next
			if pages > 10 {
				t.Fatalf("%s: pages never end", list.path)
			}
		}
		if total != list.want {
			t.Errorf("%s: %d items over %d pages, want %d", list.path, total, pages, list.want)
		}
	}
}

func first(a int, _ []byte) int     { return a }
func second(_ int, b []byte) []byte { return b }
