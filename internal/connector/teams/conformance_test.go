package teams_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/internal/connector/conformance"
	"parley/internal/richtext"
)

// TestConformance runs the shared suite against the Teams emulator over
// TLS, then checks that nothing it did reached the connector's log: no
// message text, no token, no app secret.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	texts := &textLog{}
	conformance.Run(t, e.harness(texts))
	// Rejections are what the handler logs; include some, carrying text
	// and a real token, in the run.
	h := e.conn.Handler(e.events)
	for i, authz := range []string{"", "Bearer " + e.person.Token, "Bearer forged.token.value"} {
		text := "rejected secret text " + string(rune('a'+i))
		texts.add(text)
		body := `{"type":"message","id":"x","channelId":"msteams","text":"` + text + `"}`
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/messages", strings.NewReader(body))
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("hostile request %d: status %d, want 401", i, rec.Code)
		}
	}

	logs := e.logs.String()
	for _, s := range []string{appSecret, e.person.Token} {
		if strings.Contains(logs, s) {
			t.Errorf("a secret reached the connector's log")
		}
	}
	for _, ev := range e.events.Events() {
		texts.add(richtext.RenderPlain(ev.Body))
	}
	for _, s := range texts.all() {
		if strings.TrimSpace(s) != "" && strings.Contains(logs, s) {
			t.Errorf("message text %q reached the connector's log", s)
		}
	}
	if logs == "" {
		t.Fatal("the connector logged nothing, so the check proves nothing")
	}
	if len(texts.all()) < 10 {
		t.Fatalf("only %d texts were checked against the log", len(texts.all()))
	}
}
