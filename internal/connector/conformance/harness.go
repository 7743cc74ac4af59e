package conformance

import (
	"context"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
)

// Harness connects the suite to one connector running against its
// platform's emulator. The platform's test builds it.
type Harness struct {
	// Client is the connector's client for an installed workspace whose bot
	// is a member of Channel.
	Client connector.Client
	// Channel is where every check posts.
	Channel core.ChannelRef
	// Tenant is the tenant Client's workspace was installed for; every
	// inbound event must carry it.
	Tenant core.TenantID
	// InstallAs installs Channel's workspace again, with the same
	// credentials, for tenant. The suite calls it with another tenant and
	// expects connector.ErrOtherTenant: inbound events name only the
	// workspace, so a second tenant must never take it over.
	InstallAs func(ctx context.Context, tenant core.TenantID) (connector.Client, error)
	// Person is a human member of Channel, acting through the platform's
	// user-facing API (not through the connector).
	Person Person
	// Viewer shows what a person sees in Channel.
	Viewer Viewer
	// Events is the sink the connector's Handler delivers to.
	Events *Recorder
	// Unsupported names the capabilities the platform cannot offer, by
	// their connector interface name ("Reactor", "History", …). Their
	// checks are skipped; any other missing capability fails the run.
	Unsupported []string
	// Timeout bounds each wait for something to show up; default 10 s.
	Timeout time.Duration
}

// Person acts as a person in the harness's channel. Message IDs are the
// platform's, as the connector's events carry them.
type Person interface {
	ID() core.UserID
	Email() string
	Post(ctx context.Context, text string) (core.MessageID, error)
	Reply(ctx context.Context, root core.MessageID, text string) (core.MessageID, error)
	Edit(ctx context.Context, id core.MessageID, text string) error
	Delete(ctx context.Context, id core.MessageID) error
	React(ctx context.Context, id core.MessageID, emoji string) error
	Unreact(ctx context.Context, id core.MessageID, emoji string) error
	// Upload shares a file with comment as its text and returns the ID of
	// the message that shows it.
	Upload(ctx context.Context, name string, data []byte, comment string) (core.MessageID, error)
}

// Viewer reads the channel as a person sees it.
type Viewer interface {
	// Message returns what a person sees of message id, which lives in
	// root's thread when root is set. Once the message is gone it returns
	// an error wrapping connector.ErrNotFound.
	Message(ctx context.Context, root, id core.MessageID) (Seen, error)
}

// Seen is a message as a person sees it.
type Seen struct {
	Text       string         // the text, as plain text
	AuthorName string         // the name shown as the poster
	Thread     core.MessageID // the thread root, empty at top level
	Reactions  []string       // emoji short names present
	Files      [][]byte       // the attached files' bytes
}

// InboundReaction, listed in Harness.Unsupported, says people on the
// platform cannot react to messages at all, so no reaction event can come in.
const InboundReaction = "InboundReaction"
