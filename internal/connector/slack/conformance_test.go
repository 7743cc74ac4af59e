package slack_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/core"
	"parley/internal/richtext"
)

// TestConformance runs the shared suite against the Slack emulator over
// TLS, then checks that nothing it did reached the connector's log: no
// message text, no token, no signing secret.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	texts := &textLog{}
	conformance.Run(t, e.harness(texts))
	// Rejections are what the handler logs; include them in the run.
	for _, h := range hostileRequests(t, e, texts) {
		if got := e.send(t, h); got != h.want {
			t.Errorf("%s: status %d, want %d", h.name, got, h.want)
		}
	}

	logs := e.logs.String()
	secrets := []string{e.install.BotToken, e.person.Token, signingSecret}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a secret reached the connector's log")
		}
	}
	for _, ev := range e.events.Events() {
		texts.add(plainText(ev.Body))
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

func plainText(d richtext.Doc) string {
	var b strings.Builder
	d.Walk(func(n *richtext.Node) { b.WriteString(n.Text) })
	return b.String()
}

// TestFindSent: a post carries its relay key in message metadata, and the
// key finds it again — top-level and in a thread — while another key does
// not.
func TestFindSent(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	client := env.client
	ch := core.ChannelID(env.channel.ID)
	id, err := client.Send(ctx, ch, connector.Message{Body: richtext.Plain("keyed"), Key: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := client.(connector.ThreadSender).SendReply(ctx, ch, id, connector.Message{Body: richtext.Plain("keyed reply"), Key: "k-2"})
	if err != nil {
		t.Fatal(err)
	}
	rec := client.(connector.Reconciler)
	tests := []struct {
		name      string
		root, key string
		want      core.MessageID
	}{
		{"top-level", "", "k-1", id},
		{"in thread", string(id), "k-2", reply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rec.FindSent(ctx, ch, core.MessageID(tt.root), tt.key)
			if err != nil || got != tt.want {
				t.Fatalf("FindSent = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := rec.FindSent(ctx, ch, "", "k-unknown"); !errors.Is(err, connector.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}
