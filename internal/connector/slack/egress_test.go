package slack_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	"parley/internal/secret"
)

// TestFileURLsCannotReachInside: a file announced in an event whose
// url_private points at plain http, a host that is not a Slack file host,
// an internal address, or a file host that redirects to any of those, is
// not fetched, and nothing is dialled there; the fetch fails permanently.
func TestFileURLsCannotReachInside(t *testing.T) {
	e := newEnv(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata-secret")
	}))
	files := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	redirect := func(to string) string { return files.URL + "/r?to=" + url.QueryEscape(to) }
	client := func(cfg slackconn.Config) connector.FileFetcher {
		t.Helper()
		cfg.SigningSecret, cfg.APIURL, cfg.HTTPClient = secret.New(signingSecret), e.emuSrv.URL+"/api/", e.emuSrv.Client()
		cl, err := slackconn.New(cfg).Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.team.ID), Token: secret.New(e.install.BotToken)})
		if err != nil {
			t.Fatal(err)
		}
		return cl.(connector.FileFetcher)
	}
	sandboxLike := client(slackconn.Config{FileHosts: []string{files.Host()}, AllowPrivateAddresses: true})
	production := client(slackconn.Config{FileHosts: []string{inside.Host()}})
	for _, tt := range []struct {
		name string
		url  string
		via  connector.FileFetcher
	}{
		{"plain http", "http://" + inside.Host() + "/files-pri/T-F/a.png", sandboxLike},
		{"host off the list", inside.URL + "/files-pri/T-F/a.png", sandboxLike},
		{"internal address", inside.URL + "/files-pri/T-F/a.png", production},
		{"redirect to plain http", redirect("http://" + inside.Host() + "/x"), sandboxLike},
		{"redirect off the list", redirect(inside.URL + "/x"), sandboxLike},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := inside.Conns()
			rc, err := tt.via.FetchFile(t.Context(), core.FileRef{ID: "F1", Name: "a.png", URL: tt.url, Size: 15})
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
