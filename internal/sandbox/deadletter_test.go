package sandbox

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/config"
	"parley/internal/connector"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	"parley/internal/gateway"
	"parley/internal/richtext"
	"parley/internal/store"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// poisoned is globex's real Slack client, except that it panics on any
// message carrying the poison word — as a connector bug triggered by one
// message's content would. The panic's value carries the text, which must
// never reach the logs.
type poisoned struct {
	*slackconn.Client
	poison string
	panics *atomic.Int32
}

func (p poisoned) check(m connector.Message) {
	if text := richtext.RenderPlain(m.Body); strings.Contains(text, p.poison) {
		p.panics.Add(1)
		panic("cannot render " + text)
	}
}

func (p poisoned) Send(ctx context.Context, ch core.ChannelID, m connector.Message) (core.MessageID, error) {
	p.check(m)
	return p.Client.Send(ctx, ch, m)
}

func (p poisoned) SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	p.check(m)
	return p.Client.SendReply(ctx, ch, root, m)
}

// TestPoisonedEventIsSetAside: a connector panics while sending one
// message. The gateway survives; the other messages (before and after it)
// still relay to every destination, the poisoned one too wherever it does
// not panic; it is dead-lettered once, sealed with the tenant's key; the
// sender is told in its thread; a metric counts it; and after a restart
// it does not come back (nothing crash-loops) and relaying goes on.
func TestPoisonedEventIsSetAside(t *testing.T) {
	poison := "poison-" + randomHex(6)
	var panics atomic.Int32
	wrap := func(w store.Workspace, c connector.Client) connector.Client {
		if sc, ok := c.(*slackconn.Client); ok && w.Name == "globex" {
			return poisoned{Client: sc, poison: poison, panics: &panics}
		}
		return c
	}
	w := startWorld(t, func(o *Options) { o.WrapClient = wrap })
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice := w.api(w.person(acme, "alice"))
	post := func(text string) string {
		t.Helper()
		_, ts, err := alice.PostMessage(acmeCh, slack.MsgOptionText(text, false))
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	has := func(text string) func([]slack.Message) bool {
		return func(msgs []slack.Message) bool { return find(msgs, text) != nil }
	}

	before := "before-" + randomHex(4)
	post(before)
	w.await(globex, globexCh, "the message before the poison", has(before))
	poisonTS := post("this message is " + poison)
	after := "after-" + randomHex(4)
	post(after)
	w.await(globex, globexCh, "the message after the poison", has(after))

	// The sender is told, in the poisoned message's thread.
	w.await(acme, acmeCh, "the notice to the sender", func(msgs []slack.Message) bool {
		for _, m := range msgs {
			if m.ThreadTimestamp == poisonTS && m.Timestamp != poisonTS && strings.Contains(m.Text, "internal error") && strings.Contains(m.Text, "globex") {
				return true
			}
		}
		return false
	})
	w.poll("the dead letter counted", func() bool {
		return strings.Contains(w.admin("/metrics"), `parley_dead_letters_total{platform="slack",stage="delivery"} 1`)
	})
	if n := panics.Load(); n != 1 {
		t.Fatalf("the connector panicked %d times, want 1 (a panic is not retried)", n)
	}

	// Parked once, sealed with the tenant's key, with an expiry.
	letters := w.deadLetters(t)
	if len(letters) != 1 {
		t.Fatalf("%d dead letters, want 1", len(letters))
	}
	d := letters[0]
	if !strings.Contains(d.Reason, "slack") || strings.Contains(d.Reason, poison) || d.Expires.IsZero() {
		t.Fatalf("dead letter: reason %q, expires %v", d.Reason, d.Expires)
	}
	if strings.Contains(string(d.Sealed), poison) {
		t.Fatal("the dead letter holds the event in clear")
	}
	if plain := w.openEvent(t, d.Sealed); !strings.Contains(plain, poison) {
		t.Fatal("the dead letter does not open to the poisoned event with the tenant's key")
	}

	// A restart: the poisoned event is not delivered again (it was
	// acknowledged), and the relay goes on.
	w.restart(t, wrap)
	later := "after-restart-" + randomHex(4)
	post(later)
	w.await(globex, globexCh, "a message after the restart", has(later))
	if n := panics.Load(); n != 1 {
		t.Fatalf("after the restart the connector panicked %d times in all, want 1", n)
	}
	if n := len(w.deadLetters(t)); n != 1 {
		t.Fatalf("%d dead letters after the restart, want 1", n)
	}
	if logs := string(w.logs.Bytes()); strings.Contains(logs, poison) {
		t.Fatal("the logs contain the poisoned message's text (the panic value)")
	} else if !strings.Contains(logs, "recovered from a panic") {
		t.Fatal("the panic was not logged")
	}
}

// restart stops the sandbox's gateway and starts a new one on the same
// configuration and data directory, as after a crash or an upgrade.
func (w *world) restart(t *testing.T, wrap func(store.Workspace, connector.Client) connector.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.sb.gw.Close(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("close gateway: %v", err)
	}
	cfg, err := config.Load(w.m.GatewayConfig)
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(cfg, w.sb.log)
	gw.WrapClient = wrap
	w.sb.gw = gw
	if err := gw.Start(ctx); err != nil {
		t.Fatalf("restart gateway: %v", err)
	}
}

func (w *world) gatewayConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(w.m.GatewayConfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// deadLetters reads the demo tenant's dead letters from the gateway's
// database, as the admin API will.
func (w *world) deadLetters(t *testing.T) []store.DeadLetter {
	t.Helper()
	st, err := sqlite.Open(t.Context(), w.gatewayConfig(t).Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := st.DeadLetters(t.Context(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// openEvent opens a sealed bus event with the demo tenant's key, as an
// administrator inspecting a dead letter would.
func (w *world) openEvent(t *testing.T, sealed []byte) string {
	t.Helper()
	cfg := w.gatewayConfig(t)
	st, err := sqlite.Open(t.Context(), cfg.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kek, err := vault.OpenKEK(t.Context(), cfg.Keys.KEKURL)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := vault.New(kek, st).Open(t.Context(), "demo", sealed, []byte("event|demo"))
	if err != nil {
		t.Fatalf("open dead letter: %v", err)
	}
	return string(plain)
}
