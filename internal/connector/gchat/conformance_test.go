package gchat_test

import (
	"strings"
	"testing"

	"parley/internal/connector/conformance"
	"parley/internal/richtext"
)

// TestConformance runs the shared suite against the Google Chat emulator
// over TLS, then checks that nothing it did reached the connector's log:
// no message text, no token, no key.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	texts := &textLog{}
	conformance.Run(t, e.harness(t, texts))

	logs := e.logs.String()
	for _, s := range []string{e.person.Token, e.relay.Token, string(e.app.ServiceAccountKeyJSON)} {
		if strings.Contains(logs, s) {
			t.Errorf("a secret reached the connector's log")
		}
	}
	for _, ev := range e.events.Events() {
		texts.add(richtext.RenderPlain(ev.Body))
	}
	for _, s := range texts.all() {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("message text %q reached the connector's log", s)
		}
	}
	if len(texts.all()) < 10 {
		t.Fatalf("only %d texts were checked against the log", len(texts.all()))
	}
}
