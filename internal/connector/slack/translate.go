package slack

import (
	"strconv"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
)

// Message subtypes that are a person (or another app) posting something.
var postedSubtypes = map[string]bool{
	"":                 true,
	"thread_broadcast": true,
	"file_share":       true,
	"bot_message":      true,
}

// translate turns an event_callback into the event Parley relays. It returns
// false for everything Parley does not relay — other event types, hidden
// housekeeping changes, and our own posts (echo suppression).
func translate(env envelope, id identity) (core.Event, bool) {
	in := env.Event
	if in == nil {
		return core.Event{}, false
	}
	ev := core.Event{
		ID:     core.EventID(env.EventID),
		Tenant: id.tenant,
		Source: core.ChannelRef{Platform: core.Slack, Workspace: id.team, Channel: core.ChannelID(in.Channel)},
	}
	if env.EventTime > 0 {
		ev.Time = time.Unix(env.EventTime, 0).UTC()
	}
	var ok bool
	switch in.Type {
	case "message":
		ok = translateMessage(&ev, in, id)
	case "reaction_added", "reaction_removed":
		ok = translateReaction(&ev, in, id)
	}
	if !ok || ev.Source.Channel == "" || ev.Message == "" {
		return core.Event{}, false
	}
	return ev, true
}

func translateMessage(ev *core.Event, in *innerEvent, id identity) bool {
	switch {
	case postedSubtypes[in.Subtype]:
		m := in.msgFields
		if id.ours(m) {
			return false
		}
		ev.Kind = core.Posted
		fillMessage(ev, m)
		ev.Files = fileRefs(m.Files)
		setTime(ev, m.TS)
		return !ev.Body.IsEmpty() || len(ev.Files) > 0

	case in.Subtype == "message_changed":
		m, prev := in.Message, in.PreviousMessage
		if m == nil || id.ours(*m) || (prev != nil && id.ours(*prev)) {
			return false
		}
		// Slack also sends message_changed when only reply counts,
		// unfurls or attachments change; those are not edits.
		if prev != nil && prev.Text == m.Text {
			return false
		}
		ev.Kind = core.Edited
		fillMessage(ev, *m)
		setTime(ev, in.TS)
		return true

	case in.Subtype == "message_deleted":
		prev := in.PreviousMessage
		if prev != nil && id.ours(*prev) {
			return false
		}
		ev.Kind = core.Deleted
		ev.Message = core.MessageID(in.DeletedTS)
		if prev != nil {
			if ev.Message == "" {
				ev.Message = core.MessageID(prev.TS)
			}
			ev.Thread = threadOf(*prev)
			ev.Author = authorOf(*prev)
		}
		setTime(ev, in.TS)
		return true
	}
	return false
}

func translateReaction(ev *core.Event, in *innerEvent, id identity) bool {
	it := in.Item
	if it == nil || it.Type != "message" || in.Reaction == "" {
		return false
	}
	if in.User != "" && in.User == id.botUserID {
		return false
	}
	ev.Kind = core.ReactionAdded
	if in.Type == "reaction_removed" {
		ev.Kind = core.ReactionRemoved
	}
	ev.Source.Channel = core.ChannelID(it.Channel)
	ev.Message = core.MessageID(it.TS)
	ev.Author = core.Author{ID: core.UserID(in.User)}
	// Skin tones stay ("thumbsup::skin-tone-2"): the renderer of each
	// platform decides what it can show.
	ev.Emoji = in.Reaction
	setTime(ev, in.EventTS)
	return true
}

// fillMessage copies what every message event shares.
func fillMessage(ev *core.Event, m msgFields) {
	ev.Message = core.MessageID(m.TS)
	ev.Thread = threadOf(m)
	ev.Author = authorOf(m)
	ev.Body = richtext.ParseMrkdwn(m.Text)
}

// threadOf returns the root of m's thread, or "" for a top-level message
// (a root's own thread_ts equals its ts).
func threadOf(m msgFields) core.MessageID {
	if m.ThreadTS == "" || m.ThreadTS == m.TS {
		return ""
	}
	return core.MessageID(m.ThreadTS)
}

// authorOf names who posted m. People are sent by ID only: the router
// enriches them through Directory. Other apps' posts have no user to look
// up, so the name they chose to show travels with the event.
func authorOf(m msgFields) core.Author {
	if m.User != "" {
		a := core.Author{ID: core.UserID(m.User)}
		if m.BotID != "" {
			a.Name = m.Username
		}
		return a
	}
	return core.Author{ID: core.UserID(m.BotID), Name: m.Username}
}

func fileRefs(fs []slackFile) []core.FileRef {
	var refs []core.FileRef
	for _, f := range fs {
		if f.ID != "" && f.FileAccess == fileAccessCheck {
			// A Slack Connect stub: resolveFiles asks files.info.
			refs = append(refs, core.FileRef{ID: core.FileID(f.ID)})
			continue
		}
		// Files hidden by plan limits or deleted ("tombstone") have no URL.
		if f.ID == "" || f.URLPrivateDownload == "" {
			continue
		}
		name := f.Name
		if name == "" {
			name = f.Title
		}
		refs = append(refs, core.FileRef{
			ID:       core.FileID(f.ID),
			Name:     name,
			MimeType: f.Mimetype,
			Size:     f.Size,
			URL:      f.URLPrivateDownload,
		})
	}
	return refs
}

// setTime sets the event's time from a Slack ts when it parses; otherwise
// the envelope's event_time stays.
func setTime(ev *core.Event, ts string) {
	if t, ok := parseTS(ts); ok {
		ev.Time = t
	}
}

// parseTS reads a Slack ts ("1712345678.123456": seconds and microseconds).
func parseTS(ts string) (time.Time, bool) {
	secPart, fracPart, _ := strings.Cut(ts, ".")
	sec, err := strconv.ParseInt(secPart, 10, 64)
	if err != nil || sec < 0 || len(fracPart) > 9 {
		return time.Time{}, false
	}
	var nsec int64
	if fracPart != "" {
		n, err := strconv.ParseUint(fracPart, 10, 32)
		if err != nil {
			return time.Time{}, false
		}
		nsec = int64(n)
		for range 9 - len(fracPart) {
			nsec *= 10
		}
	}
	return time.Unix(sec, nsec).UTC(), true
}
