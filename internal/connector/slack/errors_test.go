package slack

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/connector/rest"
	"parley/internal/secret"
)

func TestMapError(t *testing.T) {
	netErr := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	tests := []struct {
		name      string
		in        error
		want      error // a sentinel, or nil to require none of them
		retryWait time.Duration
	}{
		{"429 with Retry-After", &slack.RateLimitedError{RetryAfter: 7 * time.Second}, nil, 7 * time.Second},
		{"ratelimited body", slack.SlackErrorResponse{Err: "ratelimited"}, nil, defaultRetryAfter},
		{"429 without Retry-After", slack.StatusCodeError{Code: 429, Status: "429 Too Many Requests"}, nil, defaultRetryAfter},
		{"invalid_auth", slack.SlackErrorResponse{Err: "invalid_auth"}, connector.ErrAuth, 0},
		{"not_authed", slack.SlackErrorResponse{Err: "not_authed"}, connector.ErrAuth, 0},
		{"token_revoked", slack.SlackErrorResponse{Err: "token_revoked"}, connector.ErrAuth, 0},
		{"token_expired", slack.SlackErrorResponse{Err: "token_expired"}, connector.ErrAuth, 0},
		{"account_inactive", slackError{code: "account_inactive"}, connector.ErrAuth, 0},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, connector.ErrPermanent, 0},
		{"not_in_channel", slack.SlackErrorResponse{Err: "not_in_channel"}, connector.ErrPermanent, 0},
		{"is_archived", slack.SlackErrorResponse{Err: "is_archived"}, connector.ErrPermanent, 0},
		{"msg_too_long", slack.SlackErrorResponse{Err: "msg_too_long"}, connector.ErrPermanent, 0},
		{"missing_scope", slack.SlackErrorResponse{Err: "missing_scope"}, connector.ErrPermanent, 0},
		{"restricted_action", slack.SlackErrorResponse{Err: "restricted_action"}, connector.ErrPermanent, 0},
		{"cant_update_message", slack.SlackErrorResponse{Err: "cant_update_message"}, connector.ErrPermanent, 0},
		{"cant_delete_message", slack.SlackErrorResponse{Err: "cant_delete_message"}, connector.ErrPermanent, 0},
		{"unknown code", slack.SlackErrorResponse{Err: "invalid_arguments"}, connector.ErrPermanent, 0},
		{"message_not_found", slack.SlackErrorResponse{Err: "message_not_found"}, connector.ErrNotFound, 0},
		{"users_not_found", slack.SlackErrorResponse{Err: "users_not_found"}, connector.ErrNotFound, 0},
		{"internal_error stays retryable", slack.SlackErrorResponse{Err: "internal_error"}, nil, 0},
		{"500", slack.StatusCodeError{Code: 500, Status: "500 Internal Server Error"}, nil, 0},
		{"503", slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, nil, 0},
		{"401 status", slack.StatusCodeError{Code: 401, Status: "401 Unauthorized"}, connector.ErrAuth, 0},
		{"404 status", slack.StatusCodeError{Code: 404, Status: "404 Not Found"}, connector.ErrNotFound, 0},
		{"400 status", slack.StatusCodeError{Code: 400, Status: "400 Bad Request"}, connector.ErrPermanent, 0},
		// Fixed by the connector kit: a wait slack-go read is bounded like
		// any other, and a 408 (the request timed out on its way) is
		// retried rather than dropped as permanent.
		{"429 asking for days is capped", &slack.RateLimitedError{RetryAfter: 72 * time.Hour}, nil, time.Hour},
		{"408 status", slack.StatusCodeError{Code: 408, Status: "408 Request Timeout"}, nil, 0},
		{"network", netErr, nil, 0},
		{"context", context.DeadlineExceeded, nil, 0},
	}
	sentinels := []error{connector.ErrAuth, connector.ErrPermanent, connector.ErrNotFound}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapError("chat.postMessage", tt.in)
			if got == nil {
				t.Fatal("mapError returned nil")
			}
			for _, s := range sentinels {
				if errors.Is(got, s) != (s == tt.want) {
					t.Fatalf("errors.Is(%v, %v) = %v", got, s, errors.Is(got, s))
				}
			}
			var rl *connector.RateLimitError
			if isRL := errors.As(got, &rl); isRL != (tt.retryWait > 0) {
				t.Fatalf("rate limit = %v, want %v (%v)", isRL, tt.retryWait > 0, got)
			}
			if rl != nil && rl.RetryAfter != tt.retryWait {
				t.Fatalf("RetryAfter = %v, want %v", rl.RetryAfter, tt.retryWait)
			}
			if tt.want == nil && tt.retryWait == 0 && !wraps(got, tt.in) {
				t.Fatalf("retryable error not kept: %v", got)
			}
		})
	}
	if mapError("x", nil) != nil {
		t.Fatal("mapError(nil) != nil")
	}
}

func TestIgnoreCode(t *testing.T) {
	if ignoreCode(slack.SlackErrorResponse{Err: "already_reacted"}, "already_reacted") != nil {
		t.Fatal("already_reacted not ignored")
	}
	if ignoreCode(slack.SlackErrorResponse{Err: "invalid_name"}, "already_reacted") == nil {
		t.Fatal("invalid_name ignored")
	}
}

// wraps reports whether err's chain holds orig (by identity of its message,
// since some slack-go error types are not comparable), or, for an HTTP
// status, the kit's reading of that status.
func wraps(err, orig error) bool {
	var se *rest.StatusError
	var sc slack.StatusCodeError
	if errors.As(err, &se) && errors.As(orig, &sc) {
		return se.Status == sc.Code
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == orig.Error() {
			return true
		}
	}
	return false
}

// TestOwnCallsReadRetryAfterDates: the Web API calls Parley makes itself
// read a Retry-After given as an HTTP date (they read seconds only, and
// fell back to 30 s), through the connector kit.
func TestOwnCallsReadRetryAfterDates(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", now.Add(75*time.Second).Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := newClient(Config{APIURL: srv.URL + "/api/", HTTPClient: srv.Client(), Now: func() time.Time { return now }}.withDefaults(), secret.New("xoxb-1"))
	_, err := c.authTest(context.Background())
	var rl *connector.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 75*time.Second {
		t.Fatalf("auth.test on a dated 429 = %v, want a rate limit of 75s", err)
	}
}
