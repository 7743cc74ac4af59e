package logging

import (
	"bytes"
	"errors"
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
