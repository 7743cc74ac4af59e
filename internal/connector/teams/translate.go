package teams

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
)

// Content types of the attachments Teams puts on messages.
const (
	ctHTML         = "text/html"
	ctFileDownload = "application/vnd.microsoft.teams.file.download.info"
	ctFileInfo     = "application/vnd.microsoft.teams.card.file.info"
	ctAdaptiveCard = "application/vnd.microsoft.card.adaptive"
)

// install is what the handler knows of an installed tenant.
type install struct {
	tenant core.TenantID
	botID  string // "28:<appId>"
}

// translate turns a verified activity into the events Parley relays (a
// reaction activity may carry several). It returns none for activity types
// Parley does not relay and for the bot's own activities.
func translate(a *activity, in install, now time.Time) []core.Event {
	if a.From.ID == in.botID || a.From.ID == "" {
		return nil
	}
	ch, root := splitConversation(a.Conversation.ID)
	if ch == "" || a.ID == "" {
		return nil
	}
	base := core.Event{
		Tenant: in.tenant,
		Source: core.ChannelRef{Platform: core.Teams, Workspace: core.WorkspaceID(a.tenant()), Channel: core.ChannelID(ch)},
		Author: core.Author{ID: core.UserID(a.From.userID()), Name: a.From.Name},
		Time:   activityTime(a.Timestamp, now),
	}
	if root != "" && root != a.ID {
		base.Thread = core.MessageID(root)
	}
	key := a.Type + "|" + a.Conversation.ID + "|" + a.ID
	switch a.Type {
	case "message":
		ev := base
		ev.ID, ev.Kind, ev.Message = core.EventID(key), core.Posted, core.MessageID(a.ID)
		ev.Body = body(a, in.botID)
		ev.Files = fileRefs(a.Attachments)
		if ev.Body.IsEmpty() && len(ev.Files) == 0 {
			return nil
		}
		return []core.Event{ev}
	case "messageUpdate":
		if a.ChannelData.EventType != "editMessage" {
			return nil // undelete and others are not edits
		}
		ev := base
		// Every edit of a message has the message's ID; its time tells
		// two edits apart, and a redelivery has the same time.
		ev.ID, ev.Kind, ev.Message = core.EventID(key+"|"+a.Timestamp), core.Edited, core.MessageID(a.ID)
		ev.Body = body(a, in.botID)
		return []core.Event{ev}
	case "messageDelete":
		if a.ChannelData.EventType != "softDeleteMessage" {
			return nil
		}
		ev := base
		ev.ID, ev.Kind, ev.Message = core.EventID(key), core.Deleted, core.MessageID(a.ID)
		return []core.Event{ev}
	case "messageReaction":
		if a.ReplyToID == "" {
			return nil
		}
		var evs []core.Event
		add := func(kind core.Kind, rs []reactionType) {
			for i, r := range rs {
				if r.Type == "" {
					continue
				}
				ev := base
				ev.ID = core.EventID(key + "|" + string(kind) + "|" + strconv.Itoa(i))
				ev.Kind, ev.Message, ev.Emoji = kind, core.MessageID(a.ReplyToID), richtext.TeamsEmojiName(r.Type)
				// The thread is that of the message reacted to, which the
				// activity does not say when it is the root itself.
				if root == a.ReplyToID {
					ev.Thread = ""
				}
				evs = append(evs, ev)
			}
		}
		add(core.ReactionAdded, a.ReactionsAdded)
		add(core.ReactionRemoved, a.ReactionsRemoved)
		return evs
	}
	return nil
}

func activityTime(s string, now time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	return now.UTC()
}

// body parses the message's rich text: the text/html copy when Teams sent
// one, else the text. Mentions of the bot itself are how people address it
// in a channel, not content, so they go.
func body(a *activity, botID string) richtext.Doc {
	var mentions []richtext.TeamsMention
	for _, e := range a.Entities {
		if e.Type != "mention" || e.Mentioned == nil {
			continue
		}
		mentions = append(mentions, richtext.TeamsMention{ID: e.Mentioned.userID(), Name: e.Mentioned.Name, Text: e.Text})
	}
	src := ""
	for _, at := range a.Attachments {
		if at.ContentType == ctHTML {
			var s string
			if json.Unmarshal(at.Content, &s) == nil && s != "" {
				src = s
				break
			}
		}
	}
	var d richtext.Doc
	switch {
	case src != "":
		d = richtext.ParseTeamsHTML(src, mentions...)
	case a.TextFormat == "xml" || strings.Contains(a.Text, "<at>") || strings.Contains(a.Text, "</"):
		d = richtext.ParseTeamsHTML(a.Text, mentions...)
	default:
		d = richtext.Plain(a.Text)
	}
	return dropMention(d, botID)
}

// dropMention removes mentions of id and the space they leave behind.
func dropMention(d richtext.Doc, id string) richtext.Doc {
	var drop func(ns []richtext.Node) []richtext.Node
	drop = func(ns []richtext.Node) []richtext.Node {
		out := ns[:0]
		for _, n := range ns {
			if n.Kind == richtext.UserMention && n.ID == id {
				continue
			}
			n.Children = drop(n.Children)
			out = append(out, n)
		}
		return out
	}
	d.Nodes = drop(d.Nodes)
	if len(d.Nodes) > 0 && d.Nodes[0].Kind == richtext.Text {
		d.Nodes[0].Text = strings.TrimLeft(d.Nodes[0].Text, " ")
		if d.Nodes[0].Text == "" {
			d.Nodes = d.Nodes[1:]
		}
	}
	if len(d.Nodes) == 0 {
		d.Nodes = nil
	}
	return d
}

// fileRefs lists the files a message shares: channel files as
// file.download.info (with a pre-authenticated download URL) and pictures
// as image/* attachments.
func fileRefs(as []attachment) []core.FileRef {
	var refs []core.FileRef
	for _, at := range as {
		switch {
		case at.ContentType == ctFileDownload:
			var c struct {
				DownloadURL string `json:"downloadUrl"`
				UniqueID    string `json:"uniqueId"`
				FileType    string `json:"fileType"`
			}
			if json.Unmarshal(at.Content, &c) != nil || c.DownloadURL == "" {
				continue
			}
			id := c.UniqueID
			if id == "" {
				id = at.ContentURL
			}
			refs = append(refs, core.FileRef{ID: core.FileID(id), Name: at.Name, MimeType: mimeByName(at.Name), URL: c.DownloadURL})
		case strings.HasPrefix(at.ContentType, "image/") && at.ContentURL != "":
			name := at.Name
			if name == "" {
				name = "image" + extByMime(at.ContentType)
			}
			refs = append(refs, core.FileRef{ID: core.FileID(at.ContentURL), Name: name, MimeType: at.ContentType, URL: at.ContentURL})
		}
	}
	return refs
}

func mimeByName(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".pdf":
		return "application/pdf"
	case ".txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

func extByMime(m string) string {
	switch m {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	}
	return ""
}
