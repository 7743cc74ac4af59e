package bench

import (
	"crypto/rand"
	"encoding/hex"

	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/sandbox"
)

// slackOf reads the sandbox's Slack section.
func slackOf(sb *sandbox.Sandbox) (*slackemu.SandboxManifest, error) {
	var sl slackemu.SandboxManifest
	if err := sb.Manifest.Platforms.Decode(string(core.Slack), &sl); err != nil {
		return nil, err
	}
	return &sl, nil
}

// slackEmu is the sandbox's running Slack emulator.
func slackEmu(sb *sandbox.Sandbox) *slackemu.Emulator {
	return sb.Emulator(core.Slack).(*slackemu.Emulator)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
