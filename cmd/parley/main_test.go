package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/config"
	slackemu "parley/internal/emulator/slack"
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
	sl := slackOf(t, m)
	acme, globex := sl.Workspaces[0], sl.Workspaces[1]
	acmeCh, globexCh := m.Links[0].Channels[0].Channel, m.Links[0].Channels[1].Channel
	alice := slack.New(acme.Users[0].Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(hc))
	readers := make([]*slack.Client, len(globex.Users))
	for i, u := range globex.Users {
		readers[i] = slack.New(u.Token, slack.OptionAPIURL(sl.APIURL), slack.OptionHTTPClient(hc))
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
		return sync.OnceFunc(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
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

	// The traffic log is there for the tenant's owners, admins and
	// auditors; not without a token, and not for the installation's
	// bootstrap token either.
	trafficArgs := []string{"traffic", "--tenant", "demo", "--admin-url", m.Gateway.AdminURL, "--ca-file", m.CAFile, "--json"}
	t.Setenv("PARLEY_TOKEN", "")
	if err := run(context.Background(), trafficArgs); err == nil {
		t.Fatal("traffic log read without a token")
	}
	t.Setenv("PARLEY_TOKEN", m.Gateway.AdminToken)
	if err := run(context.Background(), trafficArgs); err == nil {
		t.Fatal("traffic log read with the installation's bootstrap token")
	}
	auditor, err := m.PersonalToken(context.Background(), "frank@initech.example")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PARLEY_TOKEN", auditor)
	out := captureStdout(t, func() error { return run(context.Background(), trafficArgs) })
	if !strings.Contains(out, `"outcome":"delivered"`) || strings.Contains(out, "first via serve") {
		t.Fatalf("traffic output: %s", out)
	}

	// parley admin: an operator links two channels and removes the link.
	operator, err := m.PersonalToken(context.Background(), "judy@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PARLEY_TOKEN", operator)
	adminArgs := func(a ...string) []string {
		return append([]string{"admin", "--url", m.Gateway.AdminURL, "--ca-file", m.CAFile}, a...)
	}
	general := func(ws slackemu.SandboxWorkspace) string {
		for _, c := range ws.Channels {
			if c.Name == "general" {
				return c.ID
			}
		}
		return ""
	}
	out = captureStdout(t, func() error {
		return run(context.Background(), adminArgs("links", "create", "--tenant", "demo", "--id", "cli-link", "--name", "from the CLI",
			"--channel", "slack:"+acme.ID+":"+general(acme), "--channel", "slack:"+globex.ID+":"+general(globex)))
	})
	if !strings.Contains(out, `"id": "cli-link"`) {
		t.Fatalf("links create: %s", out)
	}
	if out = captureStdout(t, func() error { return run(context.Background(), adminArgs("links", "list", "--tenant", "demo")) }); !strings.Contains(out, "cli-link") {
		t.Fatalf("links list: %s", out)
	}
	if err := run(context.Background(), adminArgs("links", "delete", "--tenant", "demo", "--id", "cli-link")); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), adminArgs("roles", "list", "--tenant", "demo")); err == nil {
		t.Fatal("an operator listed roles")
	}
	stop()

	// parley audit verify checks the chains in the store; one byte changed
	// in one audit row of the database file is caught.
	verify := []string{"audit", "verify", "--config", m.GatewayConfig}
	if out := captureStdout(t, func() error { return run(context.Background(), verify) }); !strings.Contains(out, "ok      demo") {
		t.Fatalf("audit verify before tampering: %s", out)
	}
	cfg, err := config.Load(m.GatewayConfig)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(cfg.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(db, []byte("link:cli-link"))
	if i < 0 {
		t.Fatal("the audit row is not in the database file (still in the write-ahead log?)")
	}
	db[i+len("link:cli-l")] = 'X' // link:cli-lXnk
	if err := os.WriteFile(cfg.Store.Path, db, 0o600); err != nil {
		t.Fatal(err)
	}
	var verr error
	out = captureStdout(t, func() error { verr = run(context.Background(), verify); return nil })
	if verr == nil || !strings.Contains(out, "BROKEN  demo") || !strings.Contains(out, "was changed") {
		t.Fatalf("tampering not detected: %v\n%s", verr, out)
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
