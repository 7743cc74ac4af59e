package teams

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestFaultsAndRequestLog(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	members := convPath(v.team.GeneralChannel.ID) + "/members"
	other := v.e.AddTenant("Fabrikam")
	ctl := v.e.ControlURL()

	cases := []struct {
		name   string
		fault  map[string]any
		path   string
		token  string
		want   []int
		header string
	}{
		{"503 once on the connector", map[string]any{"workspace": v.tenant.ID, "status": 503, "count": 1}, members, tok, []int{503, 200}, ""},
		{"429 with Retry-After on graph", map[string]any{"workspace": v.tenant.ID, "status": 429, "retry_after": 7, "count": 2}, "/v1.0/me", v.alice.Token, []int{429, 429, 200}, "7"},
		{"other tenant unaffected", map[string]any{"workspace": other.ID, "status": 500, "count": 1}, members, tok, []int{200}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if s, _, _ := v.call("POST", ctl+"faults", "", tc.fault); s != 200 {
				t.Fatalf("add fault: %d", s)
			}
			for i, want := range tc.want {
				s, h, _ := v.call("GET", tc.path, tc.token, nil)
				if s != want {
					t.Errorf("call %d: %d, want %d", i, s, want)
				}
				if s == 429 && h.Get("Retry-After") != tc.header {
					t.Errorf("Retry-After %q", h.Get("Retry-After"))
				}
			}
			if s, _, _ := v.call("DELETE", ctl+"faults", "", nil); s != 200 {
				t.Fatalf("clear: %d", s)
			}
		})
	}

	bad := []any{`{"status":200}`, `{"workspace":"x"}`, `{"status":503,"bogus":1}`, `{"status":503,"count":-1}`, `[`}
	for _, b := range bad {
		if s, _, _ := v.call("POST", ctl+"faults", "", b); s != 400 {
			t.Errorf("fault %v: %d, want 400", b, s)
		}
	}

	s, _, body := v.call("GET", ctl+"requests?workspace="+v.tenant.ID, "", nil)
	if s != 200 {
		t.Fatalf("requests: %d", s)
	}
	raw, _ := json.Marshal(body)
	if strings.Contains(string(raw), tok) || strings.Contains(string(raw), v.alice.Token) {
		t.Fatal("request log leaks tokens")
	}
	entries := body["requests"].([]any)
	var saw503, saw429 bool
	for _, e := range entries {
		m := e.(map[string]any)
		if m["workspace"] != v.tenant.ID {
			t.Errorf("entry for another workspace: %v", m)
		}
		saw503 = saw503 || (m["status"].(float64) == 503 && m["api"] == "connector" && m["method"] == "GET /v3/conversations/{id}/members")
		saw429 = saw429 || (m["status"].(float64) == 429 && m["api"] == "graph" && m["retry_after"].(float64) == 7)
	}
	if !saw503 || !saw429 {
		t.Errorf("log misses faults: %v", entries)
	}

	if s, _, body := v.call("POST", ctl+"rotate-keys", "", nil); s != 200 || body["kid"] != v.e.SigningKeyID() {
		t.Errorf("rotate: %d %v", s, body)
	}
}

func TestDeliveryRetriesInOrder(t *testing.T) {
	v := newEnvRetry(t, []time.Duration{10 * time.Millisecond, 10 * time.Millisecond})
	v.botRecv.mu.Lock()
	v.botRecv.failNext = 2
	v.botRecv.mu.Unlock()
	path := channelMsgs(v.team, v.team.GeneralChannel)
	_, _, first := v.call("POST", path, v.alice.Token, map[string]any{"body": map[string]any{"content": "one"}})
	_, _, second := v.call("POST", path, v.alice.Token, map[string]any{"body": map[string]any{"content": "two"}})
	v.botRecv.waitFor(func(a activity) bool { return a["id"] == second["id"] })
	var ids []any
	for _, a := range v.botRecv.all() {
		if a["type"] == "message" {
			ids = append(ids, a["id"])
		}
	}
	want := []any{first["id"], first["id"], first["id"], second["id"]}
	if len(ids) != len(want) {
		t.Fatalf("deliveries %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("deliveries %v, want %v", ids, want)
		}
	}
}

func TestLogsCarryNoContentOrTokens(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := New(Options{Logger: logger, RetryDelays: []time.Duration{time.Millisecond}})
	t.Cleanup(e.Close)
	tn := e.AddTenant("Contoso")
	u := e.AddUser(tn.ID, "Alice", "alice@contoso.example")
	team := e.AddTeam(tn.ID, "Team", u.ID)
	// An endpoint that refuses connections makes delivery fail and log.
	b := e.RegisterBot(BotSpec{AppSecret: "topsecret", Name: "Bot", Endpoint: "http://127.0.0.1:1/api/messages"})
	if err := e.InstallBot(b.AppID, team.ID); err != nil {
		t.Fatal(err)
	}
	h := e.Handler()
	req := httptest.NewRequest("POST", "https://teams.test/v1.0/teams/"+team.ID+"/channels/"+url.PathEscape(team.GeneralChannel.ID)+"/messages",
		strings.NewReader(`{"body":{"content":"very private words"}}`))
	req.Header.Set("Authorization", "Bearer "+u.Token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("post: %d", rec.Code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := strings.Count(buf.String(), "activity delivery failed")
		mu.Unlock()
		if n >= 6 { // install (2 activities) and the message, each tried twice
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery failures were not logged: %s", buf.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, secret := range []string{"very private words", u.Token, "topsecret", "Bearer"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
