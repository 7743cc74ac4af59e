package logging

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "debug")
	log.Info("call", "bot_token", "xoxb-1-abc", "text", "hello world", "err", errors.New("post failed: xoxp-99-zz rejected"), "auth", "Bearer abc.def.ghi", "jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "platform", "slack")
	out := buf.String()
	for _, leak := range []string{"xoxb-1-abc", "hello world", "xoxp-99-zz", "abc.def.ghi", "eyJhbGciOiJSUzI1NiJ9"} {
		if strings.Contains(out, leak) {
			t.Errorf("leaked %q in %s", leak, out)
		}
	}
	if !strings.Contains(out, `"platform":"slack"`) {
		t.Errorf("ordinary attribute lost: %s", out)
	}
}

// TestRedactURLs: the URLs errors carry lose their query strings and the
// path segments that name files or hold pre-signed credentials, wherever
// they appear: in an error, a string, a *url.URL or the message itself.
func TestRedactURLs(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "debug")
	upload := &url.Error{Op: "Post", URL: "https://files.slack.com/upload/v1/CwABAAAAXAoAAZ5qUHJlc2lnbmVk", Err: errors.New("connection reset")}
	download := &url.Error{Op: "Get", URL: "https://contoso.sharepoint.com/sites/x/_layouts/15/download.aspx?UniqueId=1&tempauth=v1.QUERYSECRET", Err: errors.New("EOF")}
	graph := fmt.Errorf("teams upload: %w", &url.Error{Op: "Put", URL: "https://graph.microsoft.com/v1.0/drives/b!1/items/01:/Layoff%20plan%20Q3.xlsx:/content", Err: errors.New("timeout")})
	fileURL, _ := url.Parse("https://files.slack.com/files-pri/T1-F2/merger-memo.pdf?pub_secret=PUBSECRET")
	log.Warn("delivery failed", "err", upload, "cause", download, "upload", graph, "file", fileURL,
		"where", "https://webexapis.com/v1/contents/Y2lzY29zcGFyazovL3VzL0NPTlRFTlQ?allow=dlp")
	log.Error("fetch https://files.example/x/Budget-2027.xlsx?sig=SIGSECRET failed")
	log.Info("inbound endpoint", "public", "https://parley.example:8443", "path", "/slack/events")
	out := buf.String()
	for _, leak := range []string{"CwABAAAAXAoAAZ5q", "QUERYSECRET", "tempauth", "Layoff", "merger-memo", "PUBSECRET", "Y2lzY29zcGFyazovL3VzL0NPTlRFTlQ", "dlp", "Budget-2027", "SIGSECRET"} {
		if strings.Contains(out, leak) {
			t.Errorf("leaked %q in %s", leak, out)
		}
	}
	for _, keep := range []string{"https://files.slack.com/", "connection reset", "teams upload: Put", `"public":"https://parley.example:8443"`, `"path":"/slack/events"`} {
		if !strings.Contains(out, keep) {
			t.Errorf("lost %q: %s", keep, out)
		}
	}
}
