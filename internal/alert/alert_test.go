package alert

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/sqlite"
)

// TestRaise: an alert is stored, counted and posted to the webhook with a
// signature the receiver can verify; the egress guard keeps a webhook on
// a private address out unless allowed.
func TestRaise(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateTenant(t.Context(), store.Tenant{ID: "t", Name: "T"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []Payload
	var verified []bool
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p Payload
		_ = json.Unmarshal(b, &p)
		mu.Lock()
		got = append(got, p)
		verified = append(verified, Verify([]byte("hook-secret"), r.Header.Get(HeaderTimestamp), b, r.Header.Get(HeaderSignature)))
		mu.Unlock()
	}))
	defer srv.Close()
	counted := map[string]int{}
	s := New(Options{Store: st, Secret: secret.New("hook-secret"), HTTPClient: srv.Client(), AllowPrivate: true, Count: func(k string) { counted[k]++ }})
	if err := s.Raise(t.Context(), "t", "L1", "limit.files_per_hour", "4 files in the last hour; the limit is 3", srv.URL+"/hook"); err != nil {
		t.Fatal(err)
	}
	guarded := New(Options{Store: st, Secret: secret.New("hook-secret"), HTTPClient: srv.Client()})
	if err := guarded.Raise(t.Context(), "t", "L1", "policy.alert", "x", srv.URL+"/private"); err != nil {
		t.Fatal(err)
	}
	s.Close(t.Context())
	guarded.Close(t.Context())
	as, err := st.Alerts(t.Context(), "t", time.Time{}, 10)
	if err != nil || len(as) != 2 || as[0].Kind != "limit.files_per_hour" || as[0].Link != "L1" || as[0].Expires.Before(time.Now().Add(24*time.Hour)) {
		t.Fatalf("stored %+v, %v", as, err)
	}
	if counted["limit.files_per_hour"] != 1 {
		t.Fatalf("counted %v", counted)
	}
	if len(got) != 1 || !verified[0] || got[0].Kind != "limit.files_per_hour" || got[0].Tenant != "t" || got[0].ID != as[0].ID {
		t.Fatalf("webhook received %+v (verified %v); the guarded sink must post nothing to a loopback address", got, verified)
	}
	if Verify([]byte("other"), "1", []byte("{}"), Sign([]byte("hook-secret"), "1", []byte("{}"))) {
		t.Fatal("a signature verified under another key")
	}
}
