package webex_test

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	webexemu "parley/internal/emulator/webex"
)

// TestSDKCheck hands a delivery the emulator signed to
// webex-node-bot-framework's webhook handler. It proves that the framework
// accepts the emulator's body and X-Spark-Signature as Webex's (it
// re-serialises the parsed body with JSON.stringify before hashing, so the
// emulator's compact JSON must survive that byte for byte) and rejects a
// forged signature and a tampered body; and that the ID-only payload
// resolves through the emulator's REST API over TLS with the bot token.
// It does not run the framework's REST client (the webex SDK's service
// discovery cannot be pointed at the emulator).
func TestSDKCheck(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: run npm ci in internal/emulator/webex/sdkcheck")
	}
	if _, err := os.Stat(filepath.Join("sdkcheck", "node_modules", "webex-node-bot-framework")); err != nil {
		t.Skip("webex-node-bot-framework not installed: run npm ci in internal/emulator/webex/sdkcheck")
	}
	w := newWorld(t, webexemu.Options{})
	const secret = "sdk-check-secret"
	w.register(t, w.bot.Token, "created", secret)
	var m msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{
		"roomId": w.room.ID, "markdown": "<@personId:" + w.bot.ID + "|Relay Bot> <b>&amp; \"quotes\"",
	}, &m)
	waitFor(t, "delivery", func() bool { return len(w.got.all()) >= 1 })
	d := w.got.all()[0]

	dir := t.TempDir()
	bodyFile := filepath.Join(dir, "body.json")
	if err := os.WriteFile(bodyFile, d.body, 0o600); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.srv.Certificate().Raw})
	if err := os.WriteFile(caFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := boundedCtx(t, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.js", secret, bodyFile, d.sig, w.emu.APIURL(), w.bot.Token)
	cmd.Dir = "sdkcheck"
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check.js: %v\n%s", err, out)
	}
	want := "roundtrip same\ngenuine accepted\nforged rejected\ntampered rejected\nfetched 200 same-id\n"
	if string(out) != want {
		t.Fatalf("check.js said:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(string(d.body), m.ID) {
		t.Fatal("the delivery was not about the message")
	}
}
