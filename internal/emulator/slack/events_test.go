package slack

import (
	"context"
	"net/http"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
)

func TestEventRetries(t *testing.T) {
	tests := []struct {
		name       string
		ack        time.Duration
		respond    func(w http.ResponseWriter, n int) bool
		wantTries  int
		wantReason string
	}{
		{"http error then ok", 0, func(w http.ResponseWriter, n int) bool {
			if n == 1 {
				http.Error(w, "boom", http.StatusInternalServerError)
				return true
			}
			return false
		}, 2, "http_error"},
		{"timeout then ok", 100 * time.Millisecond, func(w http.ResponseWriter, n int) bool {
			if n == 1 {
				time.Sleep(300 * time.Millisecond) // the app is too slow to ack
			}
			return false
		}, 2, "http_timeout"},
		{"always failing", 0, func(w http.ResponseWriter, n int) bool {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}, 4, "http_error"},
		{"no retry", 0, func(w http.ResponseWriter, n int) bool {
			w.Header().Set("X-Slack-No-Retry", "1")
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{AckTimeout: tt.ack})
			ctx := context.Background()
			e.rc.mu.Lock()
			e.rc.respond = func(w http.ResponseWriter, g received, n int) bool {
				if g.inner["text"] != "hi" {
					return false
				}
				return tt.respond(w, n)
			}
			e.rc.mu.Unlock()
			_, ts, err := e.client(e.alice.Token).PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("hi", false))
			if err != nil {
				t.Fatal(err)
			}
			tries := func() []received {
				var out []received
				for _, g := range e.rc.all() {
					if g.inner["ts"] == ts {
						out = append(out, g)
					}
				}
				return out
			}
			checkFor(t, 5*time.Second, func() bool { return len(tries()) >= tt.wantTries })
			// The retry schedule in newEnv ends after 60ms; wait past it to
			// see that no extra attempt comes.
			deadline := time.Now().Add(200 * time.Millisecond)
			checkFor(t, time.Second, func() bool { return time.Now().After(deadline) })
			got := tries()
			if len(got) != tt.wantTries {
				t.Fatalf("%d attempts, want %d", len(got), tt.wantTries)
			}
			var firstID string
			for i, g := range got {
				num := g.header.Get("X-Slack-Retry-Num")
				if i == 0 {
					firstID = string(g.body)
					if num != "" {
						t.Errorf("first attempt has retry num %q", num)
					}
					continue
				}
				if num != string(rune('0'+i)) || g.header.Get("X-Slack-Retry-Reason") != tt.wantReason {
					t.Errorf("attempt %d: num %q reason %q", i, num, g.header.Get("X-Slack-Retry-Reason"))
				}
				if string(g.body) != firstID {
					t.Errorf("retry %d body differs from the first attempt", i)
				}
			}
		})
	}
}

// TestRetriesDoNotBlockLaterEvents checks that a failing event's retries
// run beside the queue.
func TestRetriesDoNotBlockLaterEvents(t *testing.T) {
	e := newEnv(t, Options{RetryDelays: []time.Duration{time.Hour}})
	ctx := context.Background()
	e.rc.mu.Lock()
	e.rc.respond = func(w http.ResponseWriter, g received, n int) bool {
		if g.inner["text"] == "first" {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	}
	e.rc.mu.Unlock()
	alice := e.client(e.alice.Token)
	for _, text := range []string{"first", "second"} {
		if _, _, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText(text, false)); err != nil {
			t.Fatal(err)
		}
	}
	e.rc.waitEvent(func(ev map[string]any) bool { return ev["text"] == "second" })
}

func TestURLVerification(t *testing.T) {
	e := newEnv(t, Options{})
	app := e.emu.AddApp(AppSpec{Name: "Late", SigningSecret: testSigningSecret, BotScopes: []string{"channels:history"}})

	status, out := e.control(t, http.MethodPost, "apps/"+app.ID+"/request_url", `{"url":"`+e.rc.srv.URL+`/events"}`)
	if status != http.StatusOK || out["ok"] != true {
		t.Fatalf("verification of a good endpoint: %d %v", status, out)
	}
	// Other deliveries (setup's member_joined_channel) may arrive around
	// it: look for the challenge among everything received.
	verified := false
	for _, r := range e.rc.all() {
		verified = verified || r.event.Type == "url_verification"
	}
	if !verified {
		t.Fatal("no url_verification request reached the endpoint")
	}

	e.rc.mu.Lock()
	e.rc.respond = func(w http.ResponseWriter, _ received, _ int) bool { _, _ = w.Write([]byte("nope")); return true }
	e.rc.mu.Unlock()
	status, out = e.control(t, http.MethodPost, "apps/"+app.ID+"/request_url", `{"url":"`+e.rc.srv.URL+`/other"}`)
	if status != http.StatusBadRequest || out["error"] != "url_verification_failed" {
		t.Fatalf("verification of a bad endpoint: %d %v", status, out)
	}
	if status, _ := e.control(t, http.MethodPost, "apps/A0000000000/request_url", `{"url":"https://x"}`); status != http.StatusNotFound {
		t.Fatalf("unknown app: %d", status)
	}
}
