package connector

import (
	"context"
	"io"
	"net/http"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
	"parley/internal/secret"
)

// Connector is one platform's integration.
type Connector interface {
	// Platform names the platform this connector speaks to.
	Platform() core.Platform

	// Handler serves the platform's inbound deliveries (webhooks, event
	// callbacks). It verifies each request before parsing it, answers fast,
	// and passes every event to sink. It is called once, at start.
	Handler(sink Sink) http.Handler

	// Install makes a workspace known to the connector (credentials already
	// decrypted, held in memory only) and returns its Client. It may call
	// the platform to learn the bot's own identity, so it blocks on I/O.
	Install(ctx context.Context, in Installation) (Client, error)
}

// Installation is one workspace's install of Parley's app on a platform.
type Installation struct {
	Tenant    core.TenantID
	Workspace core.WorkspaceID
	// Token is the bot (app) access token, e.g. Slack xoxb-….
	Token secret.Secret
	// RefreshToken and Expiry are set when the platform rotates tokens.
	RefreshToken secret.Secret
	Expiry       time.Time
}

// Sink receives events parsed from inbound deliveries.
type Sink interface {
	// Accept returns once the event is durably queued. An error means it was
	// not: the handler must answer so that the platform delivers it again
	// (e.g. 503), never acknowledge and drop.
	Accept(ctx context.Context, ev core.Event) error

	// FirstSeen records that the platform delivery with this ID arrived and
	// reports whether it is the first time. Handlers call it before Accept
	// to drop redeliveries and replays; Forget undoes it when Accept fails so
	// the platform's retry is not mistaken for a replay.
	FirstSeen(ctx context.Context, p core.Platform, id core.EventID) (bool, error)
	Forget(ctx context.Context, p core.Platform, id core.EventID) error
}

// Message is what the router asks a destination to show.
type Message struct {
	Body richtext.Doc
	// Author is the person to show as the poster. Platforms that let an app
	// post under another name (Slack username/icon_url) use it natively;
	// others render it in the message.
	Author core.Author
	// Key is an opaque idempotency key, the same for every attempt at one
	// delivery. A connector that can attach it to what it posts (Slack
	// message metadata, a Google Chat messageId) does, so that a Reconciler
	// can later tell whether an attempt with an unknown outcome landed.
	Key string
}

// Client acts in one installed workspace. Implementations are safe for
// concurrent use.
type Client interface {
	// Send posts a new top-level message and returns its ID.
	Send(ctx context.Context, ch core.ChannelID, m Message) (core.MessageID, error)
}

// ThreadSender can reply inside a thread.
type ThreadSender interface {
	// SendReply posts m as a reply in the thread rooted at root.
	SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m Message) (core.MessageID, error)
}

// Editor can change a message the app posted.
type Editor interface {
	Edit(ctx context.Context, ch core.ChannelID, id core.MessageID, m Message) error
}

// Deleter can delete a message the app posted.
type Deleter interface {
	Delete(ctx context.Context, ch core.ChannelID, id core.MessageID) error
}

// Reactor can add and remove the app's reactions. emoji is a short name
// without colons ("thumbsup").
type Reactor interface {
	React(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error
	Unreact(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error
}

// File is a file being streamed from one platform to another. Body is read
// once, to the end, and never written to disk.
type File struct {
	Name     string
	MimeType string
	Size     int64
	Body     io.Reader
}

// FileSender can post a file, optionally in a thread (root may be empty),
// with m as its accompanying text.
type FileSender interface {
	SendFile(ctx context.Context, ch core.ChannelID, root core.MessageID, m Message, f File) (core.MessageID, error)
}

// FileFetcher can open a file the platform announced in an event.
type FileFetcher interface {
	FetchFile(ctx context.Context, ref core.FileRef) (io.ReadCloser, error)
}

// Directory can look people up, so that mentions become native on the
// other side. Results are personal data: cache them in memory only.
type Directory interface {
	// User returns the person with this ID, with email when visible.
	User(ctx context.Context, id core.UserID) (core.Author, error)
	// UserByEmail returns the person with this email, or ErrNotFound.
	UserByEmail(ctx context.Context, email string) (core.Author, error)
}

// Reconciler can find a message the app posted with a given Key. Delivery
// asks before resending after an attempt whose outcome is unknown (a
// timeout, a crash between sending and recording), so the retry does not
// duplicate. root is the thread the message was posted in, empty for a
// top-level message. It returns ErrNotFound when no such message exists.
type Reconciler interface {
	FindSent(ctx context.Context, ch core.ChannelID, root core.MessageID, key string) (core.MessageID, error)
}

// Runner is a connector with work of its own over time, such as keeping
// alive the subscriptions its platform lets lapse. The gateway calls Run
// once, after the configured workspaces are installed and the Handler is
// mounted, and cancels ctx at shutdown; Run returns when ctx is done.
type Runner interface {
	Run(ctx context.Context)
}

// History can list messages posted in a channel after a given message, for
// catching up after downtime. Events are oldest first.
type History interface {
	History(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error)
}
