package webex

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/rest"
	"parley/internal/secret"
)

// TestAnswersReadByTheKit: what Webex answers means what it means on every
// platform. Two answers read differently before the connector kit: a
// Retry-After given as an HTTP date (Webex read only seconds, and waited
// its 30 s default instead), and a 408, which the request timing out on
// its way to Webex does not make permanent.
func TestAnswersReadByTheKit(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header string
		class  connector.Class
		wait   time.Duration
	}{
		{"429 in seconds", 429, "12", connector.RateLimited, 12 * time.Second},
		{"429 as a date", 429, now.Add(45 * time.Second).Format(http.TimeFormat), connector.RateLimited, 45 * time.Second},
		{"429 bare", 429, "", connector.RateLimited, defaultRetryAfter},
		{"408", 408, "", connector.Transient, 0},
		{"403", 403, "", connector.Permanent, 0},
		{"401", 401, "", connector.Auth, 0},
		{"502", 502, "", connector.Transient, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			base, _ := url.Parse(srv.URL + "/v1/")
			a := &api{Client: &rest.Client{HTTP: srv.Client(), Rules: rules(func() time.Time { return now }), Token: rest.Static(secret.New("t"))}, base: base}
			err := a.call(context.Background(), "messages create", http.MethodPost, "messages", map[string]string{}, nil)
			if got := connector.Classify(err); got != tt.class {
				t.Fatalf("%v is %v, want %v", err, got, tt.class)
			}
			var rl *connector.RateLimitError
			if errors.As(err, &rl) && rl.RetryAfter != tt.wait {
				t.Fatalf("wait %v, want %v", rl.RetryAfter, tt.wait)
			}
		})
	}
}
