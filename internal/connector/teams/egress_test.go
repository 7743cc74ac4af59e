package teams_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	teamsconn "parley/internal/connector/teams"
	"parley/internal/core"
)

// TestFileURLsCannotReachInside: a person's message whose picture points
// at plain http, at a host that is not one of Teams' file hosts, at an
// internal address, or at an allowed host that redirects to any of those,
// is still relayed (the event arrives with its file reference), but
// fetching the file fails permanently and nothing is ever dialled there.
func TestFileURLsCannotReachInside(t *testing.T) {
	e := newEnv(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata-secret")
	}))
	files := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	redirect := func(to string) string { return files.URL + "/r?to=" + url.QueryEscape(to) }

	// One connector trusts the (loopback) emulator and the redirecting
	// file host; another lists the inside host but allows no private
	// address, as in production.
	sandboxLike := e.config()
	sandboxLike.FileHosts = []string{files.Host()}
	production := e.config()
	production.FileHosts = []string{inside.Host()}
	production.AllowPrivateAddresses = false
	clients := map[string]connector.FileFetcher{}
	for name, cfg := range map[string]teamsconn.Config{"sandbox-like": sandboxLike, "production": production} {
		cl, err := teamsconn.New(cfg).Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.tenant.ID)})
		if err != nil {
			t.Fatal(err)
		}
		clients[name] = cl.(connector.FileFetcher)
	}

	g := &graphClient{http: e.emuSrv.Client(), base: e.emu.GraphURL(), token: e.person.Token}
	path := "teams/" + url.PathEscape(e.team.ID) + "/channels/" + url.PathEscape(e.channel.ID) + "/messages"
	for _, tt := range []struct {
		name, url, client string
	}{
		{"plain http", "http://" + inside.Host() + "/latest/meta-data", "sandbox-like"},
		{"host off the list", inside.URL + "/latest/meta-data", "sandbox-like"},
		{"internal address", inside.URL + "/latest/meta-data", "production"},
		{"redirect to plain http", redirect("http://" + inside.Host() + "/x"), "sandbox-like"},
		{"redirect off the list", redirect(inside.URL + "/x"), "sandbox-like"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var m struct{ ID string }
			body := map[string]any{
				"body":        map[string]any{"contentType": "html", "content": `<p>look</p><attachment id="a1"></attachment>`},
				"attachments": []any{map[string]any{"id": "a1", "contentType": "image/png", "contentUrl": tt.url, "name": "look.png"}},
			}
			if err := g.do(t.Context(), http.MethodPost, path, body, &m); err != nil {
				t.Fatal(err)
			}
			var ref core.FileRef
			waitFor(t, "the event", func() bool {
				for _, ev := range e.events.Events() {
					if ev.Kind == core.Posted && ev.Message == core.MessageID(m.ID) && len(ev.Files) == 1 {
						ref = ev.Files[0]
						return true
					}
				}
				return false
			})
			before := inside.Conns()
			rc, err := clients[tt.client].FetchFile(t.Context(), ref)
			if err == nil {
				rc.Close()
				t.Fatal("the file was fetched")
			}
			if !errors.Is(err, connector.ErrPermanent) {
				t.Fatalf("FetchFile = %v, want ErrPermanent", err)
			}
			if n := inside.Conns() - before; n != 0 {
				t.Fatalf("%d connections reached the inside host", n)
			}
		})
	}
}
