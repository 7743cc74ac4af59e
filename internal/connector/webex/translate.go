package webex

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// fetch reads a message by ID.
func (c *Client) fetch(ctx context.Context, id string) (message, error) {
	var m message
	err := c.api.call(ctx, "messages get", http.MethodGet, "messages/"+id, nil, &m)
	return m, err
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// toEvent builds the event for a fetched message. Email mentions are
// resolved to person IDs and each file's name is read with HEAD; a file
// that is gone is left out.
func (c *Client) toEvent(ctx context.Context, kind core.Kind, id core.EventID, m message) (core.Event, error) {
	ev := core.Event{
		ID: id, Kind: kind, Tenant: c.tenant,
		Source:  core.ChannelRef{Platform: core.Webex, Workspace: c.org, Channel: core.ChannelID(m.RoomID)},
		Message: core.MessageID(m.ID), Thread: core.MessageID(m.ParentID),
		Author: core.Author{ID: core.UserID(m.PersonID), Email: m.PersonEmail},
		Time:   parseTime(m.Created),
	}
	if kind == core.Edited && m.Updated != "" {
		ev.Time = parseTime(m.Updated)
	}
	if m.Markdown != "" {
		ev.Body = richtext.ParseWebexMarkdown(m.Markdown)
	} else {
		ev.Body = richtext.Plain(m.Text)
	}
	c.resolveMentions(ctx, &ev.Body)
	if kind == core.Posted {
		for _, u := range m.Files {
			ref, err := c.fileRef(ctx, u)
			switch {
			case errors.Is(err, connector.ErrNotFound):
				continue // deleted since
			case errors.Is(err, connector.ErrPermanent):
				// Refused (a URL off the API host, a redirect elsewhere):
				// the file stays in the event so that the copy says it
				// could not be fetched, rather than dropping it unsaid.
				ref = core.FileRef{ID: core.FileID(u), URL: u, Name: "file"}
			case err != nil:
				return ev, err
			}
			ev.Files = append(ev.Files, ref)
		}
	}
	return ev, nil
}

// resolveMentions turns <@personEmail:…> mentions, which the parser leaves
// without an ID, into person IDs; unknown emails stay as they are.
func (c *Client) resolveMentions(ctx context.Context, d *richtext.Doc) {
	d.Walk(func(n *richtext.Node) {
		if n.Kind != richtext.UserMention || n.ID != "" || !strings.HasPrefix(n.URL, "mailto:") {
			return
		}
		if a, err := c.UserByEmail(ctx, strings.TrimPrefix(n.URL, "mailto:")); err == nil {
			n.ID = string(a.ID)
			if n.Text == "" {
				n.Text = a.Name
			}
		}
	})
}
