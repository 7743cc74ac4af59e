package faults

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTable(t *testing.T) {
	now := time.Unix(0, 0)
	tab := &Table{Now: func() time.Time { return now }}
	post := func(body string) int {
		rec := httptest.NewRecorder()
		tab.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/faults", strings.NewReader(body)))
		return rec.Code
	}
	for _, bad := range []string{`{`, `{"status":200}`, `{"status":503,"count":-1}`, `{}`, `{"status":503,"colour":"red"}`} {
		if code := post(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	if code := post(`{"workspace":"W1","status":503,"count":2}`); code != http.StatusOK {
		t.Fatalf("add: %d", code)
	}
	if _, ok := tab.Take("W2"); ok {
		t.Fatal("a fault for W1 hit W2")
	}
	for range 2 {
		if f, ok := tab.Take("W1"); !ok || f.Status != 503 {
			t.Fatalf("Take = %+v, %v", f, ok)
		}
	}
	if _, ok := tab.Take("W1"); ok {
		t.Fatal("a counted fault outlived its count")
	}
	post(`{"status":429,"seconds":10}`)
	if f, ok := tab.Take("anything"); !ok || f.RetryAfter != 1 {
		t.Fatalf("429 without retry_after: %+v, %v", f, ok)
	}
	now = now.Add(11 * time.Second)
	if _, ok := tab.Take("anything"); ok {
		t.Fatal("a timed fault outlived its seconds")
	}
	post(`{"latency_ms":500}`)
	rec := httptest.NewRecorder()
	tab.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/faults", nil))
	if _, ok := tab.Take("x"); ok || rec.Code != http.StatusOK {
		t.Fatal("DELETE did not clear")
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name       string
		fault      string // "" adds none
		cancel     bool   // the caller goes away during the latency
		wantFail   bool
		wantStatus int
		wantHeader string // Retry-After after SetRetryAfter
		minWait    time.Duration
	}{
		{"no fault", "", false, false, 0, "", 0},
		{"status", `{"status":500}`, false, true, 500, "", 0},
		{"429 carries Retry-After", `{"status":429,"retry_after":7}`, false, true, 429, "7", 0},
		{"latency only serves the call", `{"latency_ms":40}`, false, false, 0, "", 40 * time.Millisecond},
		{"latency then status", `{"status":503,"latency_ms":40}`, false, true, 503, "", 40 * time.Millisecond},
		{"caller gone during latency", `{"status":429,"latency_ms":60000}`, true, true, 503, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := &Table{}
			if tt.fault != "" {
				if err := tab.Add(strings.NewReader(tt.fault)); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			start := time.Now()
			f, fail := tab.Apply(ctx, "W1")
			if fail != tt.wantFail || f.Status != tt.wantStatus {
				t.Fatalf("Apply = %+v, %v; want status %d, fail %v", f, fail, tt.wantStatus, tt.wantFail)
			}
			if waited := time.Since(start); waited < tt.minWait {
				t.Fatalf("answered after %s, want the %s latency first", waited, tt.minWait)
			}
			h := http.Header{}
			f.SetRetryAfter(h)
			if got := h.Get("Retry-After"); got != tt.wantHeader {
				t.Fatalf("Retry-After %q, want %q", got, tt.wantHeader)
			}
		})
	}
}

// FuzzAdd feeds fault requests, which come from outside, to the parser:
// it never panics, and what it accepts is a fault Take can apply.
func FuzzAdd(f *testing.F) {
	for _, seed := range []string{
		`{"workspace":"T1","status":429,"retry_after":3,"count":2}`,
		`{"status":503,"seconds":10}`, `{"latency_ms":250}`, `{}`, `{`, `[]`, `null`,
		`{"status":200}`, `{"status":503,"count":-1}`, `{"status":503,"colour":"red"}`,
		`{"status":1e9}`, `{"status":503}{"status":500}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		tab := &Table{}
		if err := tab.Add(strings.NewReader(body)); err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error message")
			}
			return
		}
		ft, ok := tab.Take(workspaceOf(body))
		if !ok {
			return // a workspace other than the one we guessed
		}
		if ft.Status != 0 && (ft.Status < 400 || ft.Status > 599) {
			t.Fatalf("accepted status %d", ft.Status)
		}
		if ft.Status == 0 && ft.Latency == 0 {
			t.Fatal("accepted a fault that does nothing")
		}
		if ft.Status == http.StatusTooManyRequests && ft.RetryAfter < 1 {
			t.Fatal("a 429 without Retry-After")
		}
	})
}

// workspaceOf is the workspace a fuzzed request named, if it decodes.
func workspaceOf(body string) string {
	var req struct {
		Workspace string `json:"workspace"`
	}
	_ = json.Unmarshal([]byte(body), &req)
	return req.Workspace
}
