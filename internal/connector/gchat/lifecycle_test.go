package gchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/internal/core"
)

// control POSTs to the emulator's control API.
func (e *env) control(t *testing.T, path, body string) {
	t.Helper()
	res, err := e.httpCli.Post(e.emu.ControlURL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("control %s %s: %d", path, body, res.StatusCode)
	}
}

// advance jumps Google's clock; the connector's clock does not move.
func (e *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.control(t, "clock", fmt.Sprintf(`{"advance_seconds":%d}`, int(d/time.Second)))
}

// holdPushes keeps Pub/Sub pushes queued (on) or sends them (off).
func (e *env) holdPushes(t *testing.T, on bool) {
	t.Helper()
	e.control(t, "pubsub", fmt.Sprintf(`{"held":%t}`, on))
}

// calls counts the successful API calls of a method the emulator logged.
func (e *env) calls(t *testing.T, method string) int {
	t.Helper()
	res, err := e.httpCli.Get(e.emu.ControlURL() + "requests")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Requests []struct {
			Method string `json:"method"`
			Status int    `json:"status"`
		} `json:"requests"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range out.Requests {
		if r.Method == method && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// TestInboundOutlivesSubscriptions runs the connector through 15 hours of
// Google's time, in jumps its own clock never sees, so only the lifecycle
// events Google pushes can keep inbound alive: a reminder renews the
// subscription, a jump straight past expiry (the reminder and the expiry
// both still in Pub/Sub) subscribes again and catches up the message
// posted in the gap, and a suspension is reactivated and caught up. Every
// message reaches the sink exactly once.
func TestInboundOutlivesSubscriptions(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); e.conn.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })
	p := &person{api: e.userAPI(t, e.person.Token), user: e.person, space: e.space.Name, texts: &textLog{}}
	var posted []core.MessageID
	post := func(text string) core.MessageID {
		t.Helper()
		id, err := p.Post(t.Context(), text)
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, id)
		return id
	}
	relayed := func(what string, id core.MessageID) {
		t.Helper()
		waitFor(t, what, func() bool { return e.count(core.Posted, id) > 0 })
	}

	relayed("before any jump", post("at the start"))

	// Three hours in, an hour before expiry: the reminder. The connector
	// renews, so two hours later, past the first four, inbound still works.
	e.advance(t, 3*time.Hour)
	waitFor(t, "renewal on the reminder", func() bool { return e.calls(t, "workspaceevents.subscriptions.patch") == 1 })
	e.advance(t, 2*time.Hour)
	relayed("five hours in", post("after the renewal"))

	// Straight past the renewed expiry (hour 7) to hour 10, with Pub/Sub
	// holding the reminder and the expiry: nobody renews in time, and a
	// message is posted while no subscription exists.
	created := e.calls(t, "workspaceevents.subscriptions.create")
	e.holdPushes(t, true)
	e.advance(t, 5*time.Hour)
	gap := post("while the subscription was expired")
	e.holdPushes(t, false)
	relayed("the gap, caught up", gap)
	if n := e.calls(t, "workspaceevents.subscriptions.create") - created; n != 1 {
		t.Fatalf("subscriptions created after the expiry: %d, want 1", n)
	}
	relayed("after subscribing again", post("live again"))

	// Suspended (the pushes held again, so a message lands while it is),
	// then reactivated and caught up. Reactivation keeps the old expiry,
	// so the connector renews right after.
	e.holdPushes(t, true)
	e.control(t, "subscriptions/suspend", `{"workspace":"`+e.domain.Name+`","reason":"USER_AUTHORIZATION_FAILURE"}`)
	suspended := post("while the subscription was suspended")
	e.holdPushes(t, false)
	relayed("the suspension, caught up", suspended)
	waitFor(t, "reactivation", func() bool { return e.calls(t, "workspaceevents.subscriptions.reactivate") == 1 })
	waitFor(t, "renewal after reactivation", func() bool { return e.calls(t, "workspaceevents.subscriptions.patch") == 2 })
	relayed("after reactivation", post("live after reactivation"))

	// Hour 13, an hour before the subscription's end: the reminder, a
	// renewal, and at hour 15 inbound still works.
	e.advance(t, 3*time.Hour)
	waitFor(t, "renewal on the second reminder", func() bool { return e.calls(t, "workspaceevents.subscriptions.patch") == 3 })
	e.advance(t, 2*time.Hour)
	relayed("fifteen hours in", post("fifteen hours in"))

	for i, id := range posted {
		if n := e.count(core.Posted, id); n != 1 {
			t.Errorf("message %d (%s) reached the sink %d times, want once", i, id, n)
			for _, ev := range e.events.Events() {
				if ev.Message == id {
					t.Logf("  as %s at %s", ev.ID, ev.Time)
				}
			}
		}
	}
}
