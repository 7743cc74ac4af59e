package webex_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	webexconn "parley/internal/connector/webex"
	"parley/internal/core"
	"parley/internal/secret"
)

// TestFileURLsCannotReachInside: a file URL from a message that points at
// plain http, another host, an internal address, or at the API host but
// redirects to any of those, is not fetched and nothing is dialled there;
// the fetch fails permanently.
func TestFileURLsCannotReachInside(t *testing.T) {
	e := newEnv(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata-secret")
	}))
	// The API host serves the emulator, and redirects wherever /r says.
	emu := e.emu.Handler()
	api := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/r" {
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	redirect := func(to string) string { return api.URL + "/r?to=" + url.QueryEscape(to) }
	client := func(allowPrivate bool) connector.FileFetcher {
		t.Helper()
		cl, err := webexconn.New(webexconn.Config{
			WebhookSecret: secret.New(webhookSecret), APIURL: api.URL + "/v1/", HTTPClient: api.Client(),
			AllowPrivateAddresses: allowPrivate,
		}).Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.org.ID), Token: secret.New(e.service.Token)})
		if err != nil {
			t.Fatal(err)
		}
		return cl.(connector.FileFetcher)
	}
	sandboxLike, production := client(true), client(false)
	for _, tt := range []struct {
		name string
		url  string
		via  connector.FileFetcher
		at   *conformance.DialRecorder
	}{
		{"plain http", "http://" + api.Host() + "/v1/contents/C1", sandboxLike, api},
		{"host off the list", inside.URL + "/v1/contents/C1", sandboxLike, inside},
		{"internal address", api.URL + "/v1/contents/C1", production, api},
		{"redirect to plain http", redirect("http://" + inside.Host() + "/x"), sandboxLike, inside},
		{"redirect off the list", redirect(inside.URL + "/x"), sandboxLike, inside},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.at.Conns()
			rc, err := tt.via.FetchFile(t.Context(), core.FileRef{ID: "C1", Name: "a.pdf", URL: tt.url})
			if err == nil {
				rc.Close()
				t.Fatal("the file was fetched")
			}
			if !errors.Is(err, connector.ErrPermanent) {
				t.Fatalf("FetchFile = %v, want ErrPermanent", err)
			}
			if n := tt.at.Conns() - before; n != 0 {
				t.Fatalf("%d connections reached %s", n, tt.at.Host())
			}
		})
	}
}
