package gchat

import (
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chat "google.golang.org/api/chat/v1"
)

// TestGoogleAuthLibraryAcceptsTokens runs sdkcheck/check.js: Google's
// google-auth-library (npm) must accept a real push OIDC token and a real
// interaction token, verified against the certificates the emulator
// publishes.
func TestGoogleAuthLibraryAcceptsTokens(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: run npm ci in internal/emulator/gchat/sdkcheck")
	}
	if _, err := os.Stat(filepath.Join("sdkcheck", "node_modules", "google-auth-library")); err != nil {
		t.Skip("google-auth-library not installed: run npm ci in internal/emulator/gchat/sdkcheck")
	}
	ev := newEnv(t)
	ev.subscribe("google.workspace.chat.message.v1.created")
	if _, err := ev.userService(ev.alice).Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "hi"}).Do(); err != nil {
		t.Fatal(err)
	}
	push := ev.pushes.waitFor(1)[0]
	interaction := ev.interactions.waitFor(1)[0]

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	cert := ev.srv.Certificate()
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.js",
		bearerOf(push.header), "https://parley.example/gchat/push", ev.emu.OIDCCertsURL(),
		bearerOf(interaction.header), testProjectNumber, ev.emu.ChatCertsURL())
	cmd.Dir = "sdkcheck"
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check.js: %v\n%s", err, out)
	}
	want := []string{
		"push ok https://accounts.google.com " + ev.app.PushServiceAccountEmail,
		"chat ok chat@system.gserviceaccount.com " + testProjectNumber,
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Fatalf("check.js output lacks %q:\n%s", w, out)
		}
	}
}
