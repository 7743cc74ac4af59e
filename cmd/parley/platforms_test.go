package main

import (
	"testing"

	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/sandbox"
)

// slackOf reads the manifest's Slack section.
func slackOf(t testing.TB, m *sandbox.Manifest) *slackemu.SandboxManifest {
	t.Helper()
	var sl slackemu.SandboxManifest
	if err := m.Platforms.Decode(string(core.Slack), &sl); err != nil {
		t.Fatal(err)
	}
	return &sl
}
