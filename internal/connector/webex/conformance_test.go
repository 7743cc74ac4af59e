package webex_test

import (
	"strings"
	"testing"

	"parley/internal/connector/conformance"
	"parley/internal/richtext"
)

// TestConformance runs the shared suite against the Webex emulator over
// TLS, then checks that nothing it did reached the connector's log.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	texts := &textLog{}
	conformance.Run(t, e.harness(texts))
	for _, h := range hostileRequests(t, e, texts) {
		if got := e.send(t, h); got != h.want {
			t.Errorf("%s: status %d, want %d", h.name, got, h.want)
		}
	}
	logs := e.logs.String()
	for _, s := range []string{e.service.Token, e.person.Token, webhookSecret} {
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
	if logs == "" {
		t.Fatal("the connector logged nothing, so the check proves nothing")
	}
	if len(texts.all()) < 10 {
		t.Fatalf("only %d texts were checked against the log", len(texts.all()))
	}
}
