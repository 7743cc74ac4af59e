package rest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/egress"
)

var clock = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// jsonCode reads {"error":{"code":"…"}}, the shape of the test platform.
func jsonCode(b []byte) string {
	var v struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(b, &v)
	return v.Error.Code
}

var plain = Rules{Platform: "p", RetryAfter: 2 * time.Second, Code: jsonCode, Now: func() time.Time { return clock }}

func TestRulesError(t *testing.T) {
	withOwn := plain
	withOwn.Sentinel = func(status int, code string) error {
		switch {
		case status == http.StatusForbidden && code == "TokenRefused":
			return connector.ErrAuth
		case status == http.StatusPreconditionFailed:
			return nil
		}
		return Sentinel(status)
	}
	tests := []struct {
		name       string
		rules      Rules
		status     int
		retryAfter string
		body       string
		want       error         // a sentinel; nil: none of them
		wait       time.Duration // > 0: a rate limit of this wait
	}{
		{"401", plain, 401, "", "", connector.ErrAuth, 0},
		{"403 is a refusal", plain, 403, "", "", connector.ErrPermanent, 0},
		{"404", plain, 404, "", "", connector.ErrNotFound, 0},
		{"410 is gone too", plain, 410, "", "", connector.ErrNotFound, 0},
		{"400", plain, 400, "", "", connector.ErrPermanent, 0},
		{"413", plain, 413, "", "", connector.ErrPermanent, 0},
		{"408 is retried", plain, 408, "", "", nil, 0},
		{"500", plain, 500, "", "", nil, 0},
		{"503", plain, 503, "", "", nil, 0},
		{"429 bare: the platform's default", plain, 429, "", "", nil, 2 * time.Second},
		{"429 seconds", plain, 429, "7", "", nil, 7 * time.Second},
		{"429 date", plain, 429, clock.Add(time.Minute).Format(http.TimeFormat), "", nil, time.Minute},
		{"429 unreadable: the default", plain, 429, "soon", "", nil, 2 * time.Second},
		{"429 huge: capped", plain, 429, "999999999", "", nil, time.Hour},
		{"platform rule by code", withOwn, 403, "", `{"error":{"code":"TokenRefused"}}`, connector.ErrAuth, 0},
		{"platform rule falls back", withOwn, 403, "", `{"error":{"code":"Other"}}`, connector.ErrPermanent, 0},
		{"platform rule: retry", withOwn, 412, "", "", nil, 0},
		{"a 429 is a rate limit whatever the platform rule", withOwn, 429, "", "", nil, 2 * time.Second},
	}
	sentinels := []error{connector.ErrAuth, connector.ErrNotFound, connector.ErrPermanent}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.retryAfter != "" {
				h.Set("Retry-After", tt.retryAfter)
			}
			err := tt.rules.Error("op", tt.status, h, []byte(tt.body))
			for _, s := range sentinels {
				if errors.Is(err, s) != (s == tt.want) {
					t.Fatalf("errors.Is(%v, %v) = %v", err, s, !(s == tt.want))
				}
			}
			var rl *connector.RateLimitError
			if errors.As(err, &rl) != (tt.wait > 0) || rl != nil && rl.RetryAfter != tt.wait {
				t.Fatalf("err %v, want a rate limit of %v", err, tt.wait)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Status != tt.status || se.Op != "p op" {
				t.Fatalf("err %v is not the StatusError of %d", err, tt.status)
			}
		})
	}
}

func TestErrorTextKeepsOnlyCodes(t *testing.T) {
	err := plain.Error("send", 400, nil, []byte(`{"error":{"code":"Bad Request: the text was 'secret plans'","message":"secret plans"}}`))
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("body text reached the error: %v", err)
	}
	err = plain.Error("send", 400, nil, []byte(`{"error":{"code":"BadArgument"}}`))
	if want := "p send: status 400 BadArgument: permanent failure"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func TestCheck(t *testing.T) {
	ok := &http.Response{StatusCode: 201, Body: io.NopCloser(strings.NewReader("{}"))}
	if err := plain.Check("op", ok); err != nil {
		t.Fatalf("Check(201) = %v", err)
	}
	refused := &http.Response{StatusCode: 404, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"error":{"code":"NoSuchThing"}}`))}
	var se *StatusError
	if err := plain.Check("op", refused); !errors.As(err, &se) || se.Code != "NoSuchThing" || !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("Check(404) = %v", err)
	}
}

func TestSendError(t *testing.T) {
	netErr := &url.Error{Op: "Get", URL: "https://files.example/private/report.pdf?sig=abc", Err: errors.New("connection reset")}
	err := plain.SendError("fetch", netErr)
	if strings.Contains(err.Error(), "report.pdf") || strings.Contains(err.Error(), "sig=") {
		t.Fatalf("URL not redacted: %v", err)
	}
	if !connector.Retryable(err) {
		t.Fatalf("a reset is not retryable: %v", err)
	}
	refused := &url.Error{Op: "Get", URL: "https://10.0.0.1/x", Err: egress.ErrRefused}
	if err := plain.SendError("fetch", refused); connector.Classify(err) != connector.Permanent || !errors.Is(err, egress.ErrRefused) {
		t.Fatalf("an egress refusal is %v: %v", connector.Classify(err), err)
	}
}

// FuzzCheck: whatever a platform answers, Check never panics, an error
// carries no text of the body but a code-shaped one, and a 429 is always
// a rate limit within bounds.
func FuzzCheck(f *testing.F) {
	f.Add(429, "7", `{}`)
	f.Add(403, "", `{"error":{"code":"Forbidden"}}`)
	f.Add(400, "", `{"error":"invalid_client","error_description":"x"}`)
	f.Add(500, "Wed, 21 Oct 2015 07:28:00 GMT", "<html>")
	f.Add(200, "", "")
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {retryAfter}}, Body: io.NopCloser(strings.NewReader(body))}
		err := plain.Check("op", resp)
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("Check(%d) = %v", status, err)
			}
			return
		}
		var se *StatusError
		if !errors.As(err, &se) {
			t.Fatalf("Check(%d) = %v, not a StatusError", status, err)
		}
		if se.Code != "" && se.Code != safeCode(se.Code) {
			t.Fatalf("unsafe code %q kept", se.Code)
		}
		var rl *connector.RateLimitError
		if status == 429 && (!errors.As(err, &rl) || rl.RetryAfter < 0 || rl.RetryAfter > time.Hour) {
			t.Fatalf("429 read as %v", err)
		}
	})
}

func TestEgressPolicy(t *testing.T) {
	files := []string{"files.example"}
	p := EgressPolicy(false, files, "https://api.example:8443/v1/", "::not a url", "")
	if want := []string{"files.example", "api.example:8443"}; strings.Join(p.Hosts, ",") != strings.Join(want, ",") || p.AllowPrivate {
		t.Fatalf("policy %+v, want hosts %v", p, want)
	}
	p.Hosts[0] = "changed"
	if files[0] != "files.example" {
		t.Fatal("the caller's host list was changed")
	}
}
