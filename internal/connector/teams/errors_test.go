package teams

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/internal/connector"
)

func TestMapStatus(t *testing.T) {
	tests := []struct {
		status int
		header string
		body   string
		want   error // nil: retryable, none of the sentinels
		after  time.Duration
	}{
		{429, "7", "", nil, 7 * time.Second},
		{429, "", "", nil, defaultRetryAfter},
		{401, "", `{"error":{"code":"Unauthorized"}}`, connector.ErrAuth, 0},
		{403, "", `{"error":{"code":"BotNotInConversationRoster"}}`, connector.ErrPermanent, 0},
		{403, "", `{"error":{"code":"Forbidden","message":"Only the sender can update"}}`, connector.ErrPermanent, 0},
		{403, "", `{"error":{"code":"InvalidAuthenticationToken"}}`, connector.ErrAuth, 0},
		{403, "", "", connector.ErrAuth, 0},
		{404, "", `{"error":{"code":"ConversationNotFound"}}`, connector.ErrNotFound, 0},
		{413, "", `{"error":{"code":"MessageSizeTooBig"}}`, connector.ErrPermanent, 0},
		{400, "", `{"error":{"code":"BadArgument"}}`, connector.ErrPermanent, 0},
		{400, "", `{"error":"invalid_client","error_description":"secret wrong"}`, connector.ErrAuth, 0},
		{412, "", "", nil, 0},
		{500, "", "", nil, 0},
		{502, "", "", nil, 0},
		{504, "", "not json", nil, 0},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status)+tt.header+tt.body, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tt.body))}
			if tt.header != "" {
				resp.Header.Set("Retry-After", tt.header)
			}
			err := rules(time.Now).Check("op", resp)
			var rl *connector.RateLimitError
			switch {
			case tt.status == 429:
				if !errors.As(err, &rl) || rl.RetryAfter != tt.after {
					t.Fatalf("err %v, want a rate limit of %s", err, tt.after)
				}
			case tt.want == nil:
				for _, s := range []error{connector.ErrAuth, connector.ErrNotFound, connector.ErrPermanent} {
					if errors.Is(err, s) {
						t.Fatalf("err %v is %v, want retryable", err, s)
					}
				}
			case !errors.Is(err, tt.want):
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret wrong") {
				t.Fatalf("response text reached the error: %v", err)
			}
		})
	}
}

func TestLimiterKeepsEveryWindow(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	l := newLimiter(func() time.Time { return now })
	var slots []time.Time
	for range 70 {
		at, _ := l.reserve("conv")
		slots = append(slots, at)
	}
	for _, w := range sendWindows {
		for i := range slots {
			n := 0
			for _, s := range slots[i:] {
				if s.Sub(slots[i]) < w.d {
					n++
				}
			}
			if n > w.n {
				t.Fatalf("%d writes within %s from slot %d, limit %d", n, w.d, i, w.n)
			}
		}
	}
	if at, _ := l.reserve("other"); !at.Equal(now) {
		t.Fatalf("another conversation waits until %s", at)
	}
	// 60 per 30 s is the binding window for a burst of 70.
	if last := slots[69].Sub(start); last < 30*time.Second || last > 40*time.Second {
		t.Fatalf("70th write at +%s", last)
	}
}

// TestForbidden: History tells a missing Graph permission (a 403 read as
// refused credentials) from refused credentials (401) and from a refusal
// about one resource.
func TestForbidden(t *testing.T) {
	r := rules(time.Now)
	for _, tt := range []struct {
		status int
		body   string
		want   bool
	}{
		{403, `{"error":{"code":"Authorization_RequestDenied"}}`, true},
		{403, `{"error":{"code":"Forbidden"}}`, false},
		{401, "", false},
		{404, "", false},
	} {
		if got := forbidden(r.Error("list messages", tt.status, nil, []byte(tt.body))); got != tt.want {
			t.Errorf("forbidden(%d %s) = %v", tt.status, tt.body, got)
		}
	}
}
