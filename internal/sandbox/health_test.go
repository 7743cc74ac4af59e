package sandbox

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestRevokedWorkspaceIsReported: when a destination workspace revokes
// Parley's token, admins are told (log, metric) and the message waits
// for the workspace to be reconnected instead of being dropped.
func TestRevokedWorkspaceIsReported(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	botToken := strings.TrimSpace(string(mustRead(t, filepath.Join(w.dir, "secrets", "slack-"+globex.ID+"-bot-token"))))
	w.sb.SlackEmulator().Revoke(botToken) // globex's admin removes the app

	if _, _, err := w.api(w.person(acme, "alice")).PostMessage(w.linked(acme), slack.MsgOptionText("while globex is disconnected", false)); err != nil {
		t.Fatal(err)
	}
	w.poll("admins told", func() bool {
		return strings.Contains(string(w.logs.Bytes()), "an admin must reconnect it") &&
			strings.Contains(w.admin("/metrics"), `parley_workspace_unhealthy{platform="slack"`)
	})
	// The message is still waiting, not given up on.
	if strings.Contains(w.admin("/api/v1/tenants/demo/traffic"), `"outcome":"auth"`) {
		t.Fatal("the delivery was given up instead of waiting for the workspace")
	}
}
