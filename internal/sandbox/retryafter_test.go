package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

type loggedCall struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	TokenKind  string    `json:"token_kind"`
	Status     int       `json:"status"`
	RetryAfter int       `json:"retry_after"`
}

// slackCalls reads the Slack emulator's log of API calls touching ws.
func (w *world) slackCalls(ws string) []loggedCall {
	w.t.Helper()
	resp, err := w.client.Get(w.pl.Slack.ControlURL + "requests?workspace=" + ws)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Requests []loggedCall `json:"requests"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		var plain []loggedCall
		if err2 := json.Unmarshal(b, &plain); err2 != nil {
			w.t.Fatalf("request log: %v: %s", err, b)
		}
		return plain
	}
	return out.Requests
}

// TestRetryAfterIsHonoured: once a workspace has answered 429, Parley sends
// it nothing — from any channel's lane — before the Retry-After has
// elapsed, and still delivers everything afterwards.
func TestRetryAfterIsHonoured(t *testing.T) {
	// Three channels into globex: three lanes that must all hold back.
	w := startWorld(t, func(o *Options) { o.BenchChannels = 2 })
	acme, globex := w.ws("acme"), w.ws("globex")
	alice := w.api(w.person(acme, "alice"))
	acmeChannels := []string{w.linked(acme)}
	for _, l := range w.m.Links {
		if strings.HasPrefix(l.ID, "bench-") {
			acmeChannels = append(acmeChannels, l.Channels[0].Channel)
		}
	}
	const retryAfter = 3 * time.Second
	fault := fmt.Sprintf(`{"workspace":%q,"status":429,"retry_after":%d,"count":1}`, globex.ID, int(retryAfter.Seconds()))
	resp, err := w.client.Post(w.pl.Slack.ControlURL+"faults", "application/json", strings.NewReader(fault))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("fault not set: %d", resp.StatusCode)
	}
	if _, _, err := alice.PostMessage(acmeChannels[0], slack.MsgOptionText("storm-first", false)); err != nil {
		t.Fatal(err)
	}
	// Reading globex would spend the fault: watch the emulator's log.
	var limited loggedCall
	w.poll("the bot meets the 429", func() bool {
		for _, c := range w.slackCalls(globex.ID) {
			if c.TokenKind == "bot" && c.Status == http.StatusTooManyRequests {
				limited = c
				return true
			}
		}
		return false
	})
	// Now other channels have something for globex: their lanes must wait.
	for i, ch := range acmeChannels[1:] {
		if _, _, err := alice.PostMessage(ch, slack.MsgOptionText(fmt.Sprintf("storm-%d", i), false)); err != nil {
			t.Fatal(err)
		}
	}
	var calls []loggedCall
	w.poll("every post delivered after the Retry-After", func() bool {
		calls = w.slackCalls(globex.ID)
		ok := 0
		for _, c := range calls {
			if c.TokenKind == "bot" && c.Method == "chat.postMessage" && c.Status == http.StatusOK {
				ok++
			}
		}
		return ok >= len(acmeChannels)
	})
	until := limited.Time.Add(retryAfter)
	for _, c := range calls {
		if c.TokenKind == "bot" && c.Time.After(limited.Time) && c.Time.Before(until) {
			t.Errorf("%s %s after a 429 that asked for %s", c.Method, c.Time.Sub(limited.Time), retryAfter)
		}
	}
}
