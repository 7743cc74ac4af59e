package gchat

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	chat "google.golang.org/api/chat/v1"
)

// lockedBuffer is a log sink safe for the delivery goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsHoldNoContentOrTokens drives deliveries that fail and succeed
// with debug logging on and checks the log for texts and tokens.
func TestLogsHoldNoContentOrTokens(t *testing.T) {
	var buf lockedBuffer
	ev := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ev.subscribe(allChatTypes...)
	ev.pushes.fail = func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return 0
	}
	const secret = "the launch code is 0000"
	_, err := ev.userService(ev.alice).Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: secret + " <" + ev.app.UserName + ">"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got := ev.pushes.waitFor(3)
	// Redeliveries resend the same Pub/Sub message (same messageId).
	if string(got[2].body) != string(got[0].body) {
		t.Fatalf("third attempt differs:\n%s\n%s", got[0].body, got[2].body)
	}
	logs := buf.String()
	if !strings.Contains(logs, "push delivery rejected") {
		t.Fatalf("expected delivery logs, got %q", logs)
	}
	for _, bad := range []string{secret, ev.alice.Token, bearerOf(got[0].header)} {
		if strings.Contains(logs, bad) {
			t.Fatalf("log contains %q", bad)
		}
	}
}
