package webex

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/secret"
)

// FuzzAPIResponses answers every Webex API call but the install's
// people/me with the same arbitrary body, then fetches a message, turns it
// into an event (mentions resolved, files looked at) and lists history:
// nothing panics, and any event is for the installed org.
func FuzzAPIResponses(f *testing.F) {
	var mu sync.Mutex
	body := []byte(`{}`)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/people/me") {
			_, _ = w.Write([]byte(`{"id":"me","orgId":"org-1","type":"bot","displayName":"Parley"}`))
			return
		}
		mu.Lock()
		b := body
		mu.Unlock()
		_, _ = w.Write(b)
	}))
	f.Cleanup(srv.Close)
	c := New(Config{WebhookSecret: secret.New("s"), APIURL: srv.URL + "/v1/", HTTPClient: srv.Client(), AllowPrivateAddresses: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in, err := c.Install(ctx, connector.Installation{Tenant: "t1", Workspace: "org-1", Token: secret.New("tok")})
	if err != nil {
		f.Fatal(err)
	}
	cl := in.(*Client)

	f.Add([]byte(`{"id":"M1","roomId":"R1","personId":"P1","personEmail":"ann@example.com","markdown":"hi <@personEmail:bob@example.com|Bob> \\<@all\\>","created":"2026-11-22T10:00:00.000Z","files":["` + srv.URL + `/v1/contents/F1"]}`))
	f.Add([]byte(`{"items":[{"id":"M1","roomId":"R1","personId":"P1","text":"x","created":"2026-11-22T10:00:00.000Z"}]}`))
	f.Add([]byte(`{"id":"P2","emails":["bob@example.com"],"displayName":"Bob","orgId":"org-1"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"id":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		mu.Lock()
		body = data
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if m, err := cl.fetch(ctx, "M1"); err == nil {
			for _, kind := range []core.Kind{core.Posted, core.Edited} {
				if ev, err := cl.toEvent(ctx, kind, "e1", m); err == nil && ev.Source.Workspace != "org-1" {
					t.Fatalf("event for %q from %q", ev.Source.Workspace, data)
				}
			}
		}
		evs, _ := cl.History(ctx, "R1", "", 5)
		for _, ev := range evs {
			if ev.Source.Workspace != "org-1" {
				t.Fatalf("history event for %q from %q", ev.Source.Workspace, data)
			}
		}
	})
}
