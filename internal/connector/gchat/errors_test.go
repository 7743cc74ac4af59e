package gchat

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"google.golang.org/api/googleapi"

	"parley/internal/connector"
	"parley/internal/secret"
)

func TestMapError(t *testing.T) {
	withRetry := http.Header{"Retry-After": {"7"}}
	tests := []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"nil", nil, func(e error) bool { return e == nil }},
		{"429", &googleapi.Error{Code: 429}, func(e error) bool {
			var rl *connector.RateLimitError
			return errors.As(e, &rl) && rl.RetryAfter == defaultRetryAfter
		}},
		{"429 with retry-after", &googleapi.Error{Code: 429, Header: withRetry}, func(e error) bool {
			var rl *connector.RateLimitError
			return errors.As(e, &rl) && rl.RetryAfter == 7*time.Second
		}},
		{"long wait from the transport", &url.Error{Op: "Post", URL: "https://chat.example/x", Err: &connector.RateLimitError{RetryAfter: time.Minute}}, func(e error) bool {
			var rl *connector.RateLimitError
			return errors.As(e, &rl) && rl.RetryAfter == time.Minute
		}},
		{"401", &googleapi.Error{Code: 401}, func(e error) bool { return errors.Is(e, connector.ErrAuth) }},
		// Fixed by the connector kit: a Retry-After date is read (Chat
		// read seconds only), a 0 is honoured (it was taken as absent),
		// an hour is the most, a 408 is retried, a 410 is gone.
		{"429 with a dated retry-after", &googleapi.Error{Code: 429, Header: http.Header{"Retry-After": {time.Now().Add(time.Hour + time.Minute).UTC().Format(http.TimeFormat)}}}, func(e error) bool {
			var rl *connector.RateLimitError
			return errors.As(e, &rl) && rl.RetryAfter == time.Hour
		}},
		{"429 with retry-after 0", &googleapi.Error{Code: 429, Header: http.Header{"Retry-After": {"0"}}}, func(e error) bool {
			var rl *connector.RateLimitError
			return errors.As(e, &rl) && rl.RetryAfter == 0
		}},
		{"408", &googleapi.Error{Code: 408}, func(e error) bool { return connector.Classify(e) == connector.Transient }},
		{"410", &googleapi.Error{Code: 410}, func(e error) bool { return errors.Is(e, connector.ErrNotFound) }},
		{"403", &googleapi.Error{Code: 403}, func(e error) bool { return errors.Is(e, connector.ErrPermanent) }},
		{"404", &googleapi.Error{Code: 404}, func(e error) bool { return errors.Is(e, connector.ErrNotFound) }},
		{"400", &googleapi.Error{Code: 400}, func(e error) bool { return errors.Is(e, connector.ErrPermanent) }},
		{"503 stays retryable", &googleapi.Error{Code: 503}, func(e error) bool {
			return e != nil && !errors.Is(e, connector.ErrPermanent) && !errors.Is(e, connector.ErrAuth)
		}},
		{"network", errors.New("connection reset"), func(e error) bool { return e != nil && !errors.Is(e, connector.ErrPermanent) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mapError("op", tt.err); !tt.check(got) {
				t.Fatalf("mapError = %v", got)
			}
		})
	}
}

func TestMessageID(t *testing.T) {
	valid := regexp.MustCompile(`^client-[a-z0-9-]{1,56}$`)
	keyed := withIdempotencyKey(context.Background(), "slack/T1/C1/1712345678.000100→gchat/spaces/A")
	a, b := messageID(keyed), messageID(keyed)
	if a != b {
		t.Fatalf("keyed IDs differ: %q, %q", a, b)
	}
	other := messageID(withIdempotencyKey(context.Background(), "another"))
	r1, r2 := messageID(context.Background()), messageID(context.Background())
	for _, id := range []string{a, other, r1, r2} {
		if !valid.MatchString(id) || len(id) > 63 {
			t.Fatalf("invalid custom message ID %q", id)
		}
	}
	if a == other || r1 == r2 {
		t.Fatal("distinct creates share an ID")
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{ServiceAccountKey: secret.New("{}"), ProjectNumber: "1", PushAudience: "a", PushServiceAccount: "p@x"}
	tests := []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{"complete", func(*Config) {}, true},
		{"no key", func(c *Config) { c.ServiceAccountKey = secret.New("") }, false},
		{"no project", func(c *Config) { c.ProjectNumber = "" }, false},
		{"no push audience", func(c *Config) { c.PushAudience = "" }, false},
		{"plain http api", func(c *Config) { c.APIURL = "http://chat.example/" }, false},
		{"bad topic", func(c *Config) { c.PubsubTopic = "topics/x" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			if err := c.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate = %v", err)
			}
		})
	}
}
