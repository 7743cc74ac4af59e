package teams

import (
	"bufio"
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/emulator/ids"
)

// TestBotFrameworkSDKAcceptsEmulator runs a bot on Microsoft's botbuilder
// CloudAdapter (sdkcheck/check.js) against the emulator: the SDK must
// authenticate the emulator's activities against its OpenID metadata and
// JWKS, get a token from its login service and reply through its Bot
// Connector, where the reply must show up in Graph.
func TestBotFrameworkSDKAcceptsEmulator(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: run npm ci in internal/emulator/teams/sdkcheck")
	}
	if _, err := os.Stat(filepath.Join("sdkcheck", "node_modules", "botbuilder")); err != nil {
		t.Skip("botbuilder not installed: run npm ci in internal/emulator/teams/sdkcheck")
	}

	e := New(Options{RetryDelays: []time.Duration{}})
	srv := httptest.NewTLSServer(e.Handler())
	t.Cleanup(func() { e.Close(); srv.Close() })
	e.SetBaseURL(srv.URL)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	tn := e.AddTenant("Contoso")
	alice := e.AddUser(tn.ID, "Alice Smith", "alice@contoso.example")
	team := e.AddTeam(tn.ID, "Engineering", alice.ID)
	appID, secret := ids.UUID(), "sdk-check-secret"

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "check.js")
	cmd.Dir = "sdkcheck"
	cmd.Env = append(os.Environ(), "EMU_BASE="+srv.URL, "APP_ID="+appID, "APP_PASSWORD="+secret,
		"TENANT_ID="+tn.ID, "NODE_EXTRA_CA_CERTS="+caFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	scanDone := make(chan struct{})
	go func() { // owned by this test: ends when node's stdout closes
		defer close(scanDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-scanDone
		_ = cmd.Wait()
	})
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(lines, "\n")
	}
	waitLine := func(prefix string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			for _, l := range lines {
				if strings.HasPrefix(l, prefix) {
					mu.Unlock()
					return l
				}
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("node never printed %q; stdout:\n%s\nstderr:\n%s", prefix, output(), stderr.String())
		return ""
	}

	endpoint := strings.TrimPrefix(waitLine("listening "), "listening ")
	e.RegisterBot(BotSpec{AppID: appID, AppSecret: secret, Name: "SDK Bot", Endpoint: endpoint})
	if err := e.InstallBot(appID, team.ID); err != nil {
		t.Fatal(err)
	}
	waitLine("installed ")

	// Alice says ping through Graph; the SDK bot answers in the thread.
	req, _ := http.NewRequest("POST", srv.URL+"/v1.0/teams/"+team.ID+"/channels/"+url.PathEscape(team.GeneralChannel.ID)+"/messages",
		strings.NewReader(`{"body":{"content":"ping"}}`))
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("graph post: %s", res.Status)
	}
	waitLine("replied ")

	e.mu.Lock()
	ch := e.st.channels[team.GeneralChannel.ID]
	var reply *message
	for _, m := range ch.msgs {
		if m.fromBot == appID {
			reply = m
		}
	}
	var content, replyTo string
	if reply != nil {
		content, replyTo = reply.content, reply.replyTo
	}
	root := ch.msgs[0].id
	e.mu.Unlock()
	if reply == nil || !strings.Contains(content, "pong: ping") || replyTo != root {
		t.Fatalf("bot reply %q in thread %q (root %s); node output:\n%s", content, replyTo, root, output())
	}
	if strings.Contains(output(), "rejected") || strings.Contains(output(), "error") {
		t.Errorf("node reported problems:\n%s", output())
	}
	var sawBotCall bool
	for _, r := range e.Requests(tn.ID) {
		if r.API == "connector" && r.TokenKind == tokenConnector && r.AppID == appID && r.Status == http.StatusCreated {
			sawBotCall = true
		}
	}
	if !sawBotCall {
		t.Errorf("no authenticated connector call from the SDK bot in the request log")
	}
}
