package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// TestCatchUpAfterDowntime: a message posted while the gateway was down
// for longer than Slack keeps redelivering (here Slack gives up at once) is
// relayed exactly once when the gateway returns.
func TestCatchUpAfterDowntime(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{DataDir: t.TempDir(), NoGateway: true, EventRetryDelays: []time.Duration{}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(context.Background())
	m := sb.Manifest
	pool, err := tlsconf.PoolFromPEMFile(m.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	hc := tlsconf.HTTPClient(pool)
	sl := slackOf(t, m)
	acme, globex := sl.Workspaces[0], sl.Workspaces[1]
	acmeCh, globexCh := m.Links[0].Channels[0].Channel, m.Links[0].Channels[1].Channel
	alice := slack.New(acme.Users[0].Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(hc))
	reader := 0
	count := func(text string) int {
		reader++
		u := globex.Users[reader%len(globex.Users)]
		api := slack.New(u.Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(hc))
		h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: globexCh, Limit: 100})
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			return -1
		}
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, msg := range h.Messages {
			if strings.Contains(msg.Text, text) {
				n++
			}
		}
		return n
	}
	serveOnce := func() func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"serve", "--config", m.GatewayConfig}) }()
		waitUntil(t, "gateway healthy", func() bool {
			resp, err := hc.Get(m.Gateway.PublicURL + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil && resp.StatusCode == http.StatusOK
		})
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}

	stop := serveOnce()
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("before the outage", false)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "relay before the outage", func() bool { return count("before the outage") == 1 })
	stop()

	gaveUp := sb.Emulator(core.Slack).(*slackemu.Emulator).DeliveryStats().GivenUp
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("during the outage", false)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "Slack gives up on the event", func() bool { return sb.Emulator(core.Slack).(*slackemu.Emulator).DeliveryStats().GivenUp > gaveUp })

	stop = serveOnce()
	defer stop()
	waitUntil(t, "caught up after the outage", func() bool { return count("during the outage") >= 1 })
	// Something posted after the return arrives, and the caught-up message
	// is still there once, not twice.
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("after the outage", false)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "relay after the outage", func() bool { return count("after the outage") == 1 })
	for _, text := range []string{"before the outage", "during the outage"} {
		if n := count(text); n != 1 && n != -1 {
			t.Errorf("%q relayed %d times", text, n)
		}
	}
}
