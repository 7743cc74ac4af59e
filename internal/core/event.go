package core

import (
	"log/slog"
	"time"

	"parley/internal/richtext"
)

// Kind says what happened.
type Kind string

// The kinds of event Parley relays.
const (
	Posted          Kind = "posted"
	Edited          Kind = "edited"
	Deleted         Kind = "deleted"
	ReactionAdded   Kind = "reaction_added"
	ReactionRemoved Kind = "reaction_removed"
)

// Event is something a person did on a platform, in platform-neutral form.
// It carries message content, so it must never be logged or stored as is:
// LogValue prints only its shape, and the bus seals it with the tenant's key.
type Event struct {
	ID      EventID    `json:"id"`      // the platform's delivery ID, for dedupe
	Kind    Kind       `json:"kind"`    //
	Tenant  TenantID   `json:"tenant"`  //
	Source  ChannelRef `json:"source"`  // where it happened
	Message MessageID  `json:"message"` // the message posted, edited, deleted or reacted to
	// Thread is the root message of the thread the message belongs to, empty
	// for a top-level message.
	Thread MessageID    `json:"thread,omitempty"`
	Author Author       `json:"author"`
	Body   richtext.Doc `json:"body,omitempty"`  // Posted, Edited
	Files  []FileRef    `json:"files,omitempty"` // Posted
	Emoji  string       `json:"emoji,omitempty"` // ReactionAdded/Removed: a short name such as "thumbsup"
	Time   time.Time    `json:"time"`            // when the platform says it happened
}

// Author is the person who acted. Name, Email and Avatar are personal data:
// they travel inside the sealed event and are never stored in clear.
type Author struct {
	ID     UserID `json:"id"`
	Name   string `json:"name,omitempty"`
	Email  string `json:"email,omitempty"`
	Avatar string `json:"avatar,omitempty"` // an https URL
	// Guest is true for a guest account of the workspace (a platform's
	// single- or multi-channel guest), whom policies may treat apart.
	Guest bool `json:"guest,omitempty"`
}

// FileRef points at a file on the source platform. The bytes are streamed
// from there to each destination when delivered, never stored.
type FileRef struct {
	ID       FileID `json:"id"`
	Name     string `json:"name"`
	MimeType string `json:"mime_type,omitempty"`
	Size     int64  `json:"size"`
	// URL is where the source connector downloads it (e.g. Slack url_private).
	URL string `json:"url,omitempty"`
}

// LogValue prints the event's shape only, never its content or personal data.
func (e Event) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", string(e.Kind)),
		slog.String("platform", string(e.Source.Platform)),
		slog.Int("files", len(e.Files)),
	)
}

// MessageRef returns the reference of the message the event is about.
func (e Event) MessageRef() MessageRef {
	return MessageRef{ChannelRef: e.Source, Message: e.Message}
}
