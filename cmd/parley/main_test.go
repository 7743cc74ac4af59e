package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/sandbox"
	"parley/internal/tlsconf"
)

// TestServeRunsTheSandboxGateway runs the emulators alone, then the
// gateway through `parley serve --config` with the config the sandbox
// wrote — the path a real deployment takes — and proves it relays, that
// `parley keys rotate` works while it serves, and that a restarted gateway
// still finds the copies of earlier messages.
func TestServeRunsTheSandboxGateway(t *testing.T) {
	dir := t.TempDir()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{DataDir: dir, NoGateway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(context.Background())
	m := sb.Manifest
	if m.GatewayConfig == "" {
		t.Fatal("manifest has no gateway_config")
	}
	pool, err := tlsconf.PoolFromPEMFile(m.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	hc := tlsconf.HTTPClient(pool)
	acme, globex := m.Platforms.Slack.Workspaces[0], m.Platforms.Slack.Workspaces[1]
	acmeCh, globexCh := m.Links[0].Channels[0].Channel, m.Links[0].Channels[1].Channel
	alice := slack.New(acme.Users[0].Token, slack.OptionAPIURL(m.Platforms.Slack.APIURL), slack.OptionHTTPClient(hc))
	readers := make([]*slack.Client, len(globex.Users))
	for i, u := range globex.Users {
		readers[i] = slack.New(u.Token, slack.OptionAPIURL(m.Platforms.Slack.APIURL), slack.OptionHTTPClient(hc))
	}

	startServe := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"serve", "--config", m.GatewayConfig}) }()
		waitUntil(t, "gateway healthy", func() bool {
			resp, err := hc.Get(m.Gateway.PublicURL + "/healthz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}
	seen := func(what, text string) {
		i := 0
		waitUntil(t, what, func() bool {
			i++
			h, err := readers[i%len(readers)].GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: globexCh})
			var rl *slack.RateLimitedError
			if errors.As(err, &rl) {
				return false
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range h.Messages {
				if strings.Contains(msg.Text, text) {
					return true
				}
			}
			return false
		})
	}

	stop := startServe()
	_, ts, err := alice.PostMessage(acmeCh, slack.MsgOptionText("first via serve", false))
	if err != nil {
		t.Fatal(err)
	}
	seen("post through serve", "first via serve")

	if err := run(context.Background(), []string{"keys", "rotate", "--config", m.GatewayConfig}); err != nil {
		t.Fatalf("keys rotate while serving: %v", err)
	}
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("after rotation", false)); err != nil {
		t.Fatal(err)
	}
	seen("post after key rotation", "after rotation")
	stop()

	// A new gateway process: the message map (sealed, in the store) and the
	// rotated keys must still work.
	stop = startServe()
	defer stop()
	if _, _, _, err := alice.UpdateMessage(acmeCh, ts, slack.MsgOptionText("first via serve, edited after restart", false)); err != nil {
		t.Fatal(err)
	}
	seen("edit after restart", "edited after restart")

	// The traffic log is there for an admin, and only for an admin.
	trafficArgs := []string{"traffic", "--tenant", "demo", "--admin-url", m.Gateway.AdminURL, "--ca-file", m.CAFile, "--json"}
	if err := run(context.Background(), trafficArgs); err == nil {
		t.Fatal("traffic log read without the admin token")
	}
	t.Setenv("PARLEY_ADMIN_TOKEN", m.Gateway.AdminToken)
	out := captureStdout(t, func() error { return run(context.Background(), trafficArgs) })
	if !strings.Contains(out, `"outcome":"delivered"`) || strings.Contains(out, "first via serve") {
		t.Fatalf("traffic output: %s", out)
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{DataDir: dir, NoGateway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(context.Background())
	if err := run(context.Background(), []string{"config", "check", sb.Manifest.GatewayConfig}); err != nil {
		t.Fatalf("the sandbox's own config fails its check: %v", err)
	}
	if err := run(context.Background(), []string{"config", "check", dir + "/nope.yaml"}); err == nil {
		t.Fatal("missing file passed the check")
	}
	if err := run(context.Background(), []string{"frobnicate"}); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// captureStdout returns what fn printed.
func captureStdout(t *testing.T, fn func() error) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	out := make(chan string)
	go func() { b, _ := io.ReadAll(r); out <- string(b) }()
	ferr := fn()
	os.Stdout = old
	w.Close()
	s := <-out
	if ferr != nil {
		t.Fatal(ferr)
	}
	return s
}

func waitUntil(t *testing.T, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("%s: timed out", what))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
