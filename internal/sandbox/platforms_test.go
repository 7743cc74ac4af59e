package sandbox

import (
	"net/http"
	"testing"

	"parley/internal/core"
	gchatemu "parley/internal/emulator/gchat"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
)

// The tests speak to particular platforms; the sandbox's own code names
// none. These read a manifest's sections as their platforms declare them.

// SlackWorkspace is a Slack workspace of the manifest.
type SlackWorkspace = slackemu.SandboxWorkspace

type testPlatforms struct {
	Slack *slackemu.SandboxManifest
	Teams *teamsemu.SandboxManifest
	GChat *gchatemu.SandboxManifest
	Webex *webexemu.SandboxManifest
}

func platformsOf(t testing.TB, m *Manifest) testPlatforms {
	t.Helper()
	pl := testPlatforms{&slackemu.SandboxManifest{}, &teamsemu.SandboxManifest{}, &gchatemu.SandboxManifest{}, &webexemu.SandboxManifest{}}
	for name, out := range map[core.Platform]any{core.Slack: pl.Slack, core.Teams: pl.Teams, core.GChat: pl.GChat, core.Webex: pl.Webex} {
		if err := m.Platforms.Decode(string(name), out); err != nil {
			t.Fatal(err)
		}
	}
	return pl
}

// SlackEmulator is the running Slack emulator.
func (sb *Sandbox) SlackEmulator() *slackemu.Emulator {
	return sb.Emulator(core.Slack).(*slackemu.Emulator)
}

// bearer adds a person's token to every request, as their client would.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}
