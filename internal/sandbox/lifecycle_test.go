package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	chat "google.golang.org/api/chat/v1"
)

// gchatControl POSTs to the Google Chat emulator's control API, as a
// script driving the sandbox would.
func (w *world) gchatControl(path, body string) {
	w.t.Helper()
	res, err := w.client.Post(w.pl.GChat.ControlURL+path, "application/json", strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		w.t.Fatalf("gchat control %s %s: %d", path, body, res.StatusCode)
	}
}

// gchatCalls counts the successful Google API calls of a method.
func (w *world) gchatCalls(method string) int {
	w.t.Helper()
	res, err := w.client.Get(w.pl.GChat.ControlURL + "requests")
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Requests []struct {
			Method string `json:"method"`
			Status int    `json:"status"`
		} `json:"requests"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, r := range out.Requests {
		if r.Method == method && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// TestGChatInboundPastSubscriptionLifetimes runs the sandbox's gateway
// through eleven hours of Google's time, in clock jumps the gateway never
// sees, so only the lifecycle events the emulator pushes (as Google does)
// can keep Google Chat inbound alive past the four hours a subscription
// lives. One jump goes straight past expiry with Pub/Sub holding the
// reminder, so no renewal happens in time, and a message is posted while
// no subscription exists: it must still reach Slack, exactly once.
func TestGChatInboundPastSubscriptionLifetimes(t *testing.T) {
	w := startWorld(t)
	acme := w.ws("acme")
	acmeCh := w.linked(acme)
	gdom := w.pl.GChat.Domains[0]
	space, frank := gdom.Spaces[0].Name, gdom.Users[0]
	var marks []string
	post := func(what string) string {
		t.Helper()
		mark := what + "-" + randomHex(4)
		if _, err := w.gchatAs(frank).Spaces.Messages.Create(space, &chat.Message{Text: mark}).Do(); err != nil {
			t.Fatal(err)
		}
		marks = append(marks, mark)
		return mark
	}
	reachesSlack := func(mark string) {
		t.Helper()
		w.await(acme, acmeCh, mark, func(msgs []slack.Message) bool { return find(msgs, mark) != nil })
	}
	advance := func(d time.Duration) {
		t.Helper()
		w.gchatControl("clock", fmt.Sprintf(`{"advance_seconds":%d}`, int(d/time.Second)))
	}

	reachesSlack(post("start"))

	// Hour 3: the reminder, and the gateway renews. Hour 5, past the first
	// subscription's four hours: inbound still relays.
	advance(3 * time.Hour)
	w.poll("renewal", func() bool { return w.gchatCalls("workspaceevents.subscriptions.patch") == 1 })
	advance(2 * time.Hour)
	reachesSlack(post("hour5"))

	// Straight past the renewed expiry (hour 7) to hour 10, with Pub/Sub
	// holding the reminder and the expiry until a message has been posted
	// into the gap.
	w.gchatControl("pubsub", `{"held":true}`)
	advance(5 * time.Hour)
	gap := post("expired")
	w.gchatControl("pubsub", `{"held":false}`)
	reachesSlack(gap)

	// Hour 11: relayed live again.
	advance(time.Hour)
	last := post("hour11")
	reachesSlack(last)

	// Every message crossed exactly once.
	w.await(acme, acmeCh, "each message once", func(msgs []slack.Message) bool {
		for _, mark := range marks {
			n := 0
			for _, m := range msgs {
				if strings.Contains(m.Text, mark) {
					n++
				}
			}
			if n != 1 {
				if n > 1 {
					t.Fatalf("%s reached Slack %d times: %s", mark, n, dump(msgs))
				}
				return false
			}
		}
		return true
	})
}
