package redact_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"parley/internal/redact"
)

func TestURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://files.slack.com/upload/v1/CwABAAAAXAoAAZ5qZWFu", "https://files.slack.com/[redacted]"},
		{"https://files.slack.com/files-pri/T0-F1/payroll%202026.xlsx", "https://files.slack.com/[redacted]"},
		{"https://contoso.sharepoint.com/_layouts/15/download.aspx?UniqueId=x&tempauth=eyJ0", "https://contoso.sharepoint.com/[redacted]?[redacted]"},
		{"https://graph.microsoft.com/v1.0/drives/b!x/items/01:/report.pdf:/content?@microsoft.graph.conflictBehavior=rename", "https://graph.microsoft.com/[redacted]?[redacted]"},
		{"https://u:pw@example.com/a", "https://example.com/[redacted]"},
		{"https://parley.example:8443/slack/events", "https://parley.example:8443/[redacted]"},
		{"https://parley.example:8443", "https://parley.example:8443"},
		{"https://parley.example/", "https://parley.example/"},
		{"https://example.com/layoffs", "https://example.com/[redacted]"},
		{"https://example.com/x/layoffs/2026", "https://example.com/[redacted]"},
		{"https://example.com/a#frag", "https://example.com/[redacted]#[redacted]"},
		{"https://example.com/?", "https://example.com/?[redacted]"},
		{"not a url", "[redacted]"},
		{"mailto:someone@example.com", "[redacted]"},
	} {
		if got := redact.URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	in := `teams upload: Put "https://graph.example/v1.0/drives/d/items/f:/q3 forecast.xlsx:/content?x=1": EOF; see https://files.example/upload/v1/SECRETSECRET and http://h/a?sig=abc`
	got := redact.Text(in)
	for _, leak := range []string{"forecast", "SECRETSECRET", "sig=abc", "x=1"} {
		if strings.Contains(got, leak) {
			t.Errorf("Text kept %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "https://graph.example/") || !strings.HasPrefix(got, "teams upload: Put") {
		t.Errorf("Text lost what is safe: %s", got)
	}
	if s := "no links here"; redact.Text(s) != s {
		t.Errorf("Text changed plain text")
	}
}

func TestError(t *testing.T) {
	_, err := http.Get("https://127.0.0.1:1/upload/v1/PRESIGNED?sig=abc") // nothing listens on port 1
	if err == nil {
		t.Skip("something answers on port 1")
	}
	wrapped := fmt.Errorf("slack file upload: %w", redact.Error(err))
	if s := wrapped.Error(); strings.Contains(s, "PRESIGNED") || strings.Contains(s, "sig=") {
		t.Fatalf("error still shows the URL: %s", s)
	}
	var target interface{ Timeout() bool }
	if !errors.As(wrapped, &target) {
		t.Fatalf("the url.Error is no longer in the chain: %v", wrapped)
	}
	if redact.Error(nil) != nil {
		t.Fatal("Error(nil) != nil")
	}
}
