// Package builtin is the one list of the platforms Parley speaks: adding
// a platform is one line here (its connector's Platform with its
// emulator's Sandbox); config, gateway, sandbox and chaos loop over All.
package builtin

import (
	gchatconn "parley/internal/connector/gchat"
	slackconn "parley/internal/connector/slack"
	teamsconn "parley/internal/connector/teams"
	webexconn "parley/internal/connector/webex"
	gchatemu "parley/internal/emulator/gchat"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/platform"
)

// All returns the platforms, in the order docs, manifests and rooms list
// them.
func All() []platform.Platform {
	return []platform.Platform{
		slackconn.Platform.With(slackemu.Sandbox),
		teamsconn.Platform.With(teamsemu.Sandbox),
		gchatconn.Platform.With(gchatemu.Sandbox),
		webexconn.Platform.With(webexemu.Sandbox),
	}
}
