package teams_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/internal/core"
)

func TestHandlerRefusals(t *testing.T) {
	a := newAuthEnv(t)
	authz := "Bearer " + sign(t, a.claims(), "good", a.keys.good)
	huge := a.activity("huge", strings.Repeat("x", 300<<10))

	tests := []struct {
		name   string
		method string
		body   []byte
		want   int
	}{
		{"GET", http.MethodGet, nil, http.StatusMethodNotAllowed},
		{"body over the cap", http.MethodPost, mustJSON(t, huge), http.StatusRequestEntityTooLarge},
		{"malformed JSON", http.MethodPost, []byte(`{"type":"message",`), http.StatusBadRequest},
		{"JSON of the wrong shape", http.MethodPost, []byte(`{"type":["message"]}`), http.StatusBadRequest},
		{"not JSON", http.MethodPost, []byte("\x00\xff"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "/api/messages", bytes.NewReader(tt.body))
			req.Header.Set("Authorization", authz)
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
	if n := len(a.events.Events()); n != 0 {
		t.Fatalf("%d refused requests reached the sink", n)
	}
}

func TestHandlerDelivery(t *testing.T) {
	a := newAuthEnv(t)
	authz := "Bearer " + sign(t, a.claims(), "good", a.keys.good)

	t.Run("redelivery is dropped", func(t *testing.T) {
		body := mustJSON(t, a.activity("dup-1", "once"))
		for range 2 {
			if got := a.post(t, authz, body); got != http.StatusOK {
				t.Fatalf("status %d, want 200", got)
			}
		}
		if n := countMessage(a, "dup-1"); n != 1 {
			t.Fatalf("%d events for one activity delivered twice", n)
		}
	})

	t.Run("sink down means retry", func(t *testing.T) {
		body := mustJSON(t, a.activity("retry-1", "later"))
		a.events.FailAccept(errors.New("bus down"))
		if got := a.post(t, authz, body); got != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503", got)
		}
		a.events.FailAccept(nil)
		// The Bot Connector's retry is not mistaken for a replay.
		if got := a.post(t, authz, body); got != http.StatusOK {
			t.Fatalf("retry status %d, want 200", got)
		}
		if n := countMessage(a, "retry-1"); n != 1 {
			t.Fatalf("%d events after the retry, want 1", n)
		}
	})

	t.Run("tenant not installed", func(t *testing.T) {
		act := a.activity("other-tenant", "elsewhere")
		act["conversation"].(map[string]any)["tenantId"] = "another-tenant"
		act["channelData"].(map[string]any)["tenant"] = map[string]any{"id": "another-tenant"}
		if got := a.post(t, authz, mustJSON(t, act)); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		if n := countMessage(a, "other-tenant"); n != 0 {
			t.Fatalf("an activity of a tenant not installed was relayed")
		}
	})

	t.Run("our own post is not relayed", func(t *testing.T) {
		act := a.activity("ours-1", "echo")
		act["from"] = map[string]any{"id": "28:" + a.bot.AppID, "name": "Parley"}
		if got := a.post(t, authz, mustJSON(t, act)); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		if n := countMessage(a, "ours-1"); n != 0 {
			t.Fatalf("the bot's own post came back")
		}
	})
}

func countMessage(a *authEnv, id core.MessageID) int {
	n := 0
	for _, ev := range a.events.Events() {
		if ev.Message == id {
			n++
		}
	}
	return n
}
