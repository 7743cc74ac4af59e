package slack

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/internal/connector/conformance"
	"parley/internal/core"
	"parley/internal/secret"
)

const testSecret = "test-signing-secret"

var testNow = time.Unix(1_712_345_700, 0)

// newTestHandler returns a handler for a connector with testID installed,
// without calling Slack, and the sink it delivers to.
func newTestHandler(logs io.Writer) (http.Handler, *conformance.Recorder) {
	if logs == nil {
		logs = io.Discard
	}
	c := New(Config{
		SigningSecret: secret.New(testSecret),
		Logger:        slog.New(slog.NewTextHandler(logs, nil)),
		Now:           func() time.Time { return testNow },
	})
	_ = c.installs.Put(testID.team, testID.tenant, testID)
	rec := conformance.NewRecorder()
	return c.Handler(rec), rec
}

// signedRequest builds a POST signed at time at.
func signedRequest(body []byte, at time.Time, key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	ts := strconv.FormatInt(at.Unix(), 10)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", sign([]byte(key), ts, body))
	return r
}

func TestHandler(t *testing.T) {
	post := callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"hello","ts":"1712345678.123456"}`)
	otherTeam := strings.Replace(post, `"team_id":"T0000000001"`, `"team_id":"T0000000099"`, 1)
	big := append([]byte(`{"type":"event_callback","pad":"`), bytes.Repeat([]byte("a"), 10<<20)...)
	big = append(big, `"}`...)

	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantBody   string
		wantEvents int
	}{
		{"event accepted", func() *http.Request { return signedRequest([]byte(post), testNow, testSecret) }, 200, "", 1},
		{"url verification", func() *http.Request {
			return signedRequest([]byte(`{"token":"t","challenge":"ch4ll3nge","type":"url_verification"}`), testNow, testSecret)
		}, 200, "ch4ll3nge", 0},
		{"forged signature", func() *http.Request { return signedRequest([]byte(post), testNow, "wrong") }, 401, "", 0},
		{"no signature", func() *http.Request {
			r := signedRequest([]byte(post), testNow, testSecret)
			r.Header.Del("X-Slack-Signature")
			return r
		}, 401, "", 0},
		{"stale timestamp", func() *http.Request {
			return signedRequest([]byte(post), testNow.Add(-5*time.Minute-time.Second), testSecret)
		}, 401, "", 0},
		{"malformed json", func() *http.Request { return signedRequest([]byte(`{"type":"event_callback",`), testNow, testSecret) }, 400, "", 0},
		{"10 MB body", func() *http.Request { return signedRequest(big, testNow, testSecret) }, 413, "", 0},
		{"unknown team", func() *http.Request { return signedRequest([]byte(otherTeam), testNow, testSecret) }, 200, "", 0},
		{"own post", func() *http.Request {
			return signedRequest([]byte(callback(`{"type":"message","channel":"C0000000001","bot_id":"B0000000001","text":"x","ts":"1.1"}`)), testNow, testSecret)
		}, 200, "", 0},
		{"app rate limited notice", func() *http.Request {
			return signedRequest([]byte(`{"type":"app_rate_limited","team_id":"T0000000001","minute_rate_limited":1518467820}`), testNow, testSecret)
		}, 200, "", 0},
		{"get", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/slack/events", nil) }, 405, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, rec := newTestHandler(nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tt.req())
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && w.Body.String() != tt.wantBody {
				t.Fatalf("body = %q, want %q", w.Body.String(), tt.wantBody)
			}
			if w.Header().Get("X-Slack-No-Retry") != "" {
				t.Fatal("X-Slack-No-Retry set")
			}
			if got := len(rec.Events()); got != tt.wantEvents {
				t.Fatalf("sink got %d events, want %d", got, tt.wantEvents)
			}
		})
	}
}

func TestHandlerDropsReplays(t *testing.T) {
	h, rec := newTestHandler(nil)
	body := []byte(callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"hello","ts":"1.1"}`))
	for i := range 3 {
		w := httptest.NewRecorder()
		// A replay may be freshly signed: only event_id can tell.
		h.ServeHTTP(w, signedRequest(body, testNow.Add(time.Duration(i)*time.Second), testSecret))
		if w.Code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, w.Code)
		}
	}
	if got := len(rec.Events()); got != 1 {
		t.Fatalf("sink got %d events, want 1", got)
	}
}

func TestHandlerAsksForRedeliveryWhenSinkFails(t *testing.T) {
	h, rec := newTestHandler(nil)
	body := []byte(callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"hello","ts":"1.1"}`))

	rec.FailAccept(errors.New("bus down"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signedRequest(body, testNow, testSecret))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", w.Code)
	}
	if rec.Seen(core.Slack, "Ev0000000001") {
		t.Fatal("the failed event is still marked seen; Slack's retry would be dropped")
	}

	rec.FailAccept(nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, signedRequest(body, testNow, testSecret))
	if w.Code != http.StatusOK || len(rec.Events()) != 1 {
		t.Fatalf("retry: status %d, %d events; want 200 and 1", w.Code, len(rec.Events()))
	}
}

func TestHandlerLogsNoContent(t *testing.T) {
	var logs bytes.Buffer
	h, _ := newTestHandler(&logs)
	text := "very-secret-message-text"
	bodies := []string{
		callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"` + text + `","ts":"1.1"}`),
		strings.Replace(callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"`+text+`","ts":"1.2"}`), "T0000000001", "T0000000099", 1),
		`{"type":"event_callback","text":"` + text + `"`,
	}
	for _, b := range bodies {
		for _, key := range []string{testSecret, "forged"} {
			r := signedRequest([]byte(b), testNow, key)
			h.ServeHTTP(httptest.NewRecorder(), r)
			if sig := r.Header.Get("X-Slack-Signature"); strings.Contains(logs.String(), sig) {
				t.Fatal("a signature reached the log")
			}
		}
	}
	if logs.Len() == 0 {
		t.Fatal("rejections were not logged at all")
	}
	for _, leak := range []string{text, testSecret, "T0000000099", "U0000000001"} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("log contains %q:\n%s", leak, logs.String())
		}
	}
}

// FuzzHandler sends arbitrary, validly signed bodies: the handler must
// never panic nor answer 5xx, since Slack would retry a 5xx forever.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		callback(`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"hello","ts":"1.1"}`),
		callback(`{"type":"reaction_added","user":"U1","reaction":"tada","item":{"type":"message","channel":"C1","ts":"1.1"}}`),
		`{"type":"url_verification","challenge":"x"}`,
		`{"type":"event_callback","team_id":"T0000000001","event":{"type":"message","subtype":"message_changed","message":{}}}`,
		`not json`, ``,
	} {
		f.Add([]byte(s))
	}
	h, _ := newTestHandler(nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signedRequest(body, testNow, testSecret))
		if w.Code >= 500 {
			t.Fatalf("status %d for body %q", w.Code, body)
		}
	})
}
