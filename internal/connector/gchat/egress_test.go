package gchat_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	gchatconn "parley/internal/connector/gchat"
	"parley/internal/core"
)

// TestMediaDownloadsCannotReachInside: an attachment's download, asked of
// the Chat API, is not followed through a redirect to plain http or off
// Google's hosts, and does not reach an internal address; nothing is
// dialled there and the fetch fails permanently.
func TestMediaDownloadsCannotReachInside(t *testing.T) {
	e := newEnv(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata-secret")
	}))
	redirects := map[string]string{
		"/v1/media/spaces/S/attachments/to-http": "http://" + inside.Host() + "/x",
		"/v1/media/spaces/S/attachments/to-off":  inside.URL + "/x",
	}
	emu := e.emu.Handler()
	api := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to, ok := redirects[r.URL.Path]; ok {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	client := func(allowPrivate bool) connector.FileFetcher {
		t.Helper()
		cfg := e.conn.Config()
		cfg.APIURL, cfg.AllowPrivateAddresses = api.URL+"/", allowPrivate
		cl, err := gchatconn.New(cfg).Install(t.Context(), connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(e.domain.Name)})
		if err != nil {
			t.Fatal(err)
		}
		return cl.(connector.FileFetcher)
	}
	sandboxLike, production := client(true), client(false)
	for _, tt := range []struct {
		name, resource string
		via            connector.FileFetcher
		at             *conformance.DialRecorder
	}{
		{"redirect to plain http", "spaces/S/attachments/to-http", sandboxLike, inside},
		{"redirect off the list", "spaces/S/attachments/to-off", sandboxLike, inside},
		{"internal address", "spaces/S/attachments/A1", production, api},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.at.Conns()
			rc, err := tt.via.FetchFile(t.Context(), core.FileRef{ID: core.FileID(tt.resource), Name: "a.png"})
			if err == nil {
				b, _ := io.ReadAll(rc)
				rc.Close()
				t.Fatalf("the file was fetched: %q", b)
			}
			if !errors.Is(err, connector.ErrPermanent) {
				t.Fatalf("FetchFile = %v, want ErrPermanent", err)
			}
			if strings.Contains(err.Error(), inside.Host()+"/x") {
				t.Fatalf("the error shows the URL: %v", err)
			}
			if n := tt.at.Conns() - before; n != 0 {
				t.Fatalf("%d connections reached %s", n, tt.at.Host())
			}
		})
	}
}
