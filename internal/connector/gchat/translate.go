package gchat

import (
	"context"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
)

// rootFinder returns the root message of a thread, "" when unknown.
type rootFinder func(ctx context.Context, thread string) string

// translate turns a Workspace Event into the event Parley relays. It
// returns false for what Parley does not relay: other event types, events
// without the resource, and our own actions (echo suppression).
func translate(ctx context.Context, ce cloudEvent, id *identity, roots rootFinder) (core.Event, bool) {
	ev := core.Event{
		ID:     core.EventID(ce.ID),
		Tenant: id.tenant,
		Source: core.ChannelRef{Platform: core.GChat, Workspace: id.domain},
		Time:   ce.Time,
	}
	var ok bool
	switch ce.Type {
	case ceMessageCreated, ceMessageUpdated:
		ok = translateMessage(ctx, &ev, ce, id, roots)
	case ceMessageDeleted:
		ok = translateDeleted(ctx, &ev, ce, id, roots)
	case ceReactionCreated, ceReactionDeleted:
		ok = translateReaction(&ev, ce, id)
	}
	if !ok || ev.Message == "" || ev.Source.Channel == "" {
		return core.Event{}, false
	}
	if ev.Time.IsZero() {
		return core.Event{}, false
	}
	return ev, true
}

func translateMessage(ctx context.Context, ev *core.Event, ce cloudEvent, id *identity, roots rootFinder) bool {
	m := ce.Data.Message
	if m == nil || m.Name == "" || id.oursMessage(m) {
		return false
	}
	ev.Kind = core.Posted
	stamp := m.CreateTime
	if ce.Type == ceMessageUpdated {
		ev.Kind = core.Edited
		stamp = m.LastUpdateTime
	}
	ev.Message = core.MessageID(m.Name)
	ev.Source.Channel = core.ChannelID(spaceOf(m.Name))
	ev.Author = authorOf(m.Sender)
	ev.Body = bodyOf(m)
	ev.Thread = threadOf(ctx, m, id, roots)
	if ev.Kind == core.Posted {
		ev.Files = fileRefs(m.Attachment)
	}
	setTime(ev, stamp)
	return !ev.Body.IsEmpty() || len(ev.Files) > 0 || ev.Kind == core.Edited
}

func translateDeleted(ctx context.Context, ev *core.Event, ce cloudEvent, id *identity, roots rootFinder) bool {
	m := ce.Data.Message
	if m == nil || m.Name == "" || id.oursMessage(m) {
		return false
	}
	ev.Kind = core.Deleted
	ev.Message = core.MessageID(m.Name)
	ev.Source.Channel = core.ChannelID(spaceOf(m.Name))
	if m.Sender != nil {
		ev.Author = authorOf(m.Sender)
	}
	ev.Thread = threadOf(ctx, m, id, roots)
	setTime(ev, m.DeleteTime)
	return true
}

func translateReaction(ev *core.Event, ce cloudEvent, id *identity) bool {
	r := ce.Data.Reaction
	if r == nil || r.Name == "" {
		return false
	}
	var unicode string
	if r.Emoji != nil {
		unicode = r.Emoji.Unicode
	}
	if ce.Type == ceReactionDeleted && (unicode == "" || r.User == nil) {
		// A deleted event names only the reaction: what it was comes from
		// its created event.
		seen, ok := id.reactions.get(r.Name)
		if !ok {
			return false
		}
		u, user, _ := strings.Cut(seen, "|")
		unicode = u
		if r.User == nil {
			r.User = &wireUser{Name: user}
		}
	}
	// Custom emoji have no name other platforms know.
	name, ok := richtext.GChatEmojiShortName(unicode)
	if !ok || id.oursReaction(r, unicode) {
		return false
	}
	ev.Kind = core.ReactionAdded
	if ce.Type == ceReactionDeleted {
		ev.Kind = core.ReactionRemoved
		id.reactions.remove(r.Name)
	} else if r.User != nil {
		id.reactions.put(r.Name, unicode+"|"+r.User.Name)
	}
	ev.Message = core.MessageID(messageOfReaction(r.Name))
	ev.Source.Channel = core.ChannelID(spaceOf(r.Name))
	ev.Author = authorOf(r.User)
	ev.Emoji = name
	return true
}

// authorOf names who acted. Chat includes the display name and email only
// where the domain shows them to apps; the router fills gaps through
// Directory.
func authorOf(u *wireUser) core.Author {
	if u == nil {
		return core.Author{}
	}
	a := core.Author{ID: core.UserID(u.Name), Name: u.DisplayName, Email: u.Email}
	if len(u.AvatarURL) > len("https://") && u.AvatarURL[:8] == "https://" {
		a.Avatar = u.AvatarURL
	}
	return a
}

// bodyOf parses the message's markup. formattedText keeps mentions as
// <users/…>; text has them as "@Name", so it is the fallback only.
func bodyOf(m *wireMessage) richtext.Doc {
	var mentions []richtext.GChatMention
	for _, a := range m.Annotations {
		if a.Type == "USER_MENTION" && a.UserMention != nil {
			mentions = append(mentions, richtext.GChatMention{User: a.UserMention.User.Name, DisplayName: a.UserMention.User.DisplayName})
		}
	}
	src := m.FormattedText
	if src == "" {
		src = m.Text
	}
	return richtext.ParseGChat(src, mentions...)
}

// threadOf returns the root of m's thread, or "" for a top-level message.
// A message that starts a thread is remembered as its root, so replies
// find it without a lookup.
func threadOf(ctx context.Context, m *wireMessage, id *identity, roots rootFinder) core.MessageID {
	if m.Thread == nil || m.Thread.Name == "" {
		return ""
	}
	if root, ok := id.roots.get(m.Thread.Name); ok {
		if root == m.Name {
			return ""
		}
		return core.MessageID(root)
	}
	if !m.ThreadReply {
		id.roots.put(m.Thread.Name, m.Name)
		return ""
	}
	if roots == nil {
		return ""
	}
	root := roots(ctx, m.Thread.Name)
	if root == "" || root == m.Name {
		return ""
	}
	id.roots.put(m.Thread.Name, root)
	return core.MessageID(root)
}

func fileRefs(as []wireAttachment) []core.FileRef {
	var refs []core.FileRef
	for _, a := range as {
		// Drive files need Drive access; only uploaded content is relayed.
		if a.AttachmentDataRef == nil || a.AttachmentDataRef.ResourceName == "" {
			continue
		}
		refs = append(refs, core.FileRef{
			ID:       core.FileID(a.AttachmentDataRef.ResourceName),
			Name:     a.ContentName,
			MimeType: a.ContentType,
		})
	}
	return refs
}

func setTime(ev *core.Event, stamp string) {
	if t, err := time.Parse(time.RFC3339Nano, stamp); err == nil {
		ev.Time = t.UTC()
	}
}
