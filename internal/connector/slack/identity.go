package slack

import "parley/internal/core"

// identity is who we are in one installed workspace, learned with auth.test
// at Install. Echo suppression compares events against it.
type identity struct {
	tenant    core.TenantID
	team      core.WorkspaceID
	botID     string // B…: set on every message our app posts
	appID     string // A…: the same for every workspace the app is in
	botUserID string // U…: the bot user, author of our reactions
	// client calls Slack for the workspace while an event is read: the
	// files of Slack Connect stubs come from files.info.
	client *Client
}

// ours reports whether a message was posted by this installation's app.
func (id identity) ours(m msgFields) bool {
	return (m.BotID != "" && m.BotID == id.botID) ||
		(m.AppID != "" && m.AppID == id.appID) ||
		(m.User != "" && m.User == id.botUserID)
}
