package admin

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// env is an API over a real SQLite store and vault, served over TLS.
type env struct {
	t       testing.TB
	api     *API
	st      *sqlite.Store
	v       *vault.Vault
	srv     *httptest.Server
	dbPath  string
	kekPath string
	changes []Change
	now     time.Time
	tokens  map[string]string // person label → personal token
	persons map[string]string // person label → person ID
}

const bootstrapSecret = "bootstrap-secret-for-tests-0123456789"

func newEnv(t testing.TB, mod ...func(*Options)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dbPath: filepath.Join(dir, "parley.db"), kekPath: filepath.Join(dir, "kek.json"),
		now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), tokens: map[string]string{}, persons: map[string]string{}}
	var err error
	if e.st, err = sqlite.Open(t.Context(), e.dbPath); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.st.Close() })
	kek, err := vault.OpenKEK(t.Context(), "file://"+e.kekPath)
	if err != nil {
		t.Fatal(err)
	}
	e.v = vault.New(kek, e.st)
	srv := httptest.NewUnstartedServer(nil)
	o := Options{Store: e.st, Vault: e.v, BootstrapToken: secret.New(bootstrapSecret), URL: "https://" + srv.Listener.Addr().String(),
		Notify: func(_ context.Context, c Change) error { e.changes = append(e.changes, c); return nil },
		Now:    func() time.Time { return e.now }}
	for _, m := range mod {
		m(&o)
	}
	e.api = New(o)
	srv.Config.Handler = e.api.Handler()
	srv.StartTLS()
	e.srv = srv
	t.Cleanup(e.srv.Close)
	return e
}

// seed gives tenants t1 and t2 two Slack workspaces, a link, one person
// per role with a personal token, and an installation operator.
func (e *env) seed() {
	t := e.t
	ctx := t.Context()
	for _, tn := range []core.TenantID{"t1", "t2"} {
		if err := e.st.CreateTenant(ctx, store.Tenant{ID: tn, Name: "Tenant " + string(tn), Created: e.now}); err != nil {
			t.Fatal(err)
		}
		e.reset(tn)
		for _, r := range TenantRoles {
			e.person(string(r)+"@"+string(tn)+".example", tn, string(r))
		}
	}
	e.person("op@install.example", store.Installation, installationRole)
}

func (e *env) ws(tn core.TenantID, x string) core.WorkspaceID {
	return core.WorkspaceID("W" + strings.TrimPrefix(string(tn), "t") + x)
}

// reset puts the fixtures a case may have changed back as they were.
func (e *env) reset(tn core.TenantID) {
	ctx := e.t.Context()
	for _, x := range []string{"x", "y"} {
		if err := e.st.PutWorkspace(ctx, store.Workspace{Tenant: tn, Platform: core.Slack, ID: e.ws(tn, x), Name: x, Healthy: true, Updated: e.now, Origin: store.OriginConfig}); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.st.PutLink(ctx, store.Link{ID: "L1", Tenant: tn, Name: "room", Origin: store.OriginAPI, Channels: []core.ChannelRef{
		{Platform: core.Slack, Workspace: e.ws(tn, "x"), Channel: "C1"}, {Platform: core.Slack, Workspace: e.ws(tn, "y"), Channel: "C2"}}}); err != nil {
		e.t.Fatal(err)
	}
	if _, ok := e.persons["viewer@"+string(tn)+".example"]; ok {
		e.person("viewer@"+string(tn)+".example", tn, "viewer")
	}
}

// person gives email a role and a personal token, labelled by email.
func (e *env) person(email string, tn core.TenantID, role string) {
	ctx := e.t.Context()
	r, err := e.api.assignment(ctx, tn, email, role, "", store.OriginConfig)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.PutRole(ctx, r); err != nil {
		e.t.Fatal(err)
	}
	e.persons[email] = personID(r.Person)
	if e.tokens[email] == "" {
		tok, _, err := e.api.issue(ctx, store.TokenPersonal, r.Person, "", e.now.Add(24*time.Hour))
		if err != nil {
			e.t.Fatal(err)
		}
		e.tokens[email] = tok
	}
}

// do sends a request with a bearer token ("" for none) and returns the
// status and body.
func (e *env) do(method, path, token string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+Prefix+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (e *env) decode(b []byte, v any) {
	e.t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("decode %s: %v", b, err)
	}
}

func storeTenant(s string) core.TenantID { return core.TenantID(s) }

// rawDB opens the store's file directly, as someone with the data
// directory could.
func (e *env) rawDB() *sql.DB {
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}
