package webex_test

import (
	"strings"
	"testing"
	"time"

	"parley/internal/core"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// poll calls ok until it holds or 10 s pass.
func poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func waitEvent(t *testing.T, e *env, match func(core.Event) bool) {
	t.Helper()
	poll(t, "event", func() bool {
		for _, ev := range e.events.Events() {
			if match(ev) {
				return true
			}
		}
		return false
	})
}

func waitDelivery(t *testing.T, e *env, s string) delivery {
	t.Helper()
	var d delivery
	poll(t, "delivery", func() bool {
		var ok bool
		d, ok = e.got.Find(s)
		return ok
	})
	waitEvent(t, e, func(ev core.Event) bool { return string(ev.Message) == s })
	return d
}
