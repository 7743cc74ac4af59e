package core

// Platform names a chat platform ("slack", "teams", …). Unique globally.
type Platform string

// The platforms Parley knows by name.
const (
	Slack Platform = "slack"
	Teams Platform = "teams"
	GChat Platform = "gchat"
	Webex Platform = "webex"
)

// TenantID identifies a Parley customer. Unique within a Parley deployment.
type TenantID string

// WorkspaceID identifies one installation on a platform: a Slack team
// (T…), a Teams tenant, a Google Workspace domain, a Webex org. Unique within
// its Platform.
type WorkspaceID string

// ChannelID identifies a channel, room, space or DM conversation. Unique
// within its workspace.
type ChannelID string

// MessageID identifies a message (Slack ts, Teams activity ID, …). Unique
// within its channel.
type MessageID string

// UserID identifies a person or bot on a platform. Unique within its
// workspace.
type UserID string

// FileID identifies a file on a platform. Unique within its workspace.
type FileID string

// EventID identifies an inbound delivery as the platform numbered it (Slack
// event_id, …). Unique within its platform; used to drop redeliveries.
type EventID string

// LinkID identifies a link: a room of channels on several platforms whose
// messages are relayed to each other. Unique within a tenant.
type LinkID string

// ChannelRef locates a channel anywhere: platform, workspace and channel.
type ChannelRef struct {
	Platform  Platform    `json:"platform"`
	Workspace WorkspaceID `json:"workspace"`
	Channel   ChannelID   `json:"channel"`
}

// String renders the reference as platform/workspace/channel. IDs are not
// content, but logs should still prefer keyed hashes of them.
func (c ChannelRef) String() string {
	return string(c.Platform) + "/" + string(c.Workspace) + "/" + string(c.Channel)
}

// MessageRef locates one message anywhere.
type MessageRef struct {
	ChannelRef
	Message MessageID `json:"message"`
}
