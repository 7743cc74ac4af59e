package gateway

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"parley/internal/core"
	"parley/internal/metrics"
)

// TestInboundPanicIsContained: a request that makes a platform's inbound
// handler panic gets a 500 (the platform retries, as for any server
// error), is counted, and the panic's value — here message text — is
// not logged.
func TestInboundPanicIsContained(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) }), nil))
	m := metrics.New()
	h := countInbound(m, log, core.Slack, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("cannot parse: secret words")
	}), nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/events", strings.NewReader("{}")))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "secret words") || !strings.Contains(logs.String(), "recovered from a panic") {
		t.Fatalf("logs: %s", logs.String())
	}
	scrape := httptest.NewRecorder()
	m.Handler().ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
	if want := `parley_events_rejected_total{platform="slack",reason="panic"} 1`; !strings.Contains(scrape.Body.String(), want) {
		t.Fatalf("metrics lack %s", want)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
