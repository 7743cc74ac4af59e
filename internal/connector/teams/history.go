package teams

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

const (
	// historyPage is Graph's largest page of channel messages.
	historyPage = 50
	// historyPages bounds a catch-up: Graph lists newest first, so finding
	// a message far back costs a page per 50 newer ones.
	historyPages = 20
)

// chatMessage is the part of a Graph chatMessage History reads.
type chatMessage struct {
	ID              string  `json:"id"`
	ReplyToID       *string `json:"replyToId"`
	CreatedDateTime string  `json:"createdDateTime"`
	DeletedDateTime *string `json:"deletedDateTime"`
	From            struct {
		User *struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"user"`
	} `json:"from"`
	Body struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Mentions []struct {
		ID          int    `json:"id"`
		MentionText string `json:"mentionText"`
		Mentioned   struct {
			User *struct {
				ID          string `json:"id"`
				DisplayName string `json:"displayName"`
			} `json:"user"`
		} `json:"mentioned"`
	} `json:"mentions"`
}

// History lists the people's top-level messages posted in the channel
// after message after, oldest first, through Graph. It needs the app
// permission ChannelMessage.Read.All; without it History fails with
// ErrPermanent rather than marking the tenant's credentials bad.
func (c *Client) History(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error) {
	group, err := c.groupOf(ctx, ch)
	if err != nil {
		return nil, err
	}
	u := c.graphURL(url.Values{"$top": {strconv.Itoa(historyPage)}}, "teams", group, "channels", string(ch), "messages")
	var newer []chatMessage // newest first
	found := false
	for range historyPages {
		var page struct {
			Value    []chatMessage `json:"value"`
			NextLink string        `json:"@odata.nextLink"`
		}
		if err := c.graph.Call(ctx, "list messages", http.MethodGet, u, nil, &page); err != nil {
			if forbidden(err) {
				return nil, fmt.Errorf("teams history: grant the app ChannelMessage.Read.All: %w", connector.ErrPermanent)
			}
			return nil, err
		}
		for _, m := range page.Value {
			if m.ID == string(after) {
				found = true
				break
			}
			newer = append(newer, m)
		}
		// The next page is followed only on Graph's own host: the link
		// gets the app's token.
		if found || page.NextLink == "" || !strings.HasPrefix(page.NextLink, c.conn.cfg.GraphURL) {
			break
		}
		u = page.NextLink
	}
	if !found && after != "" {
		return nil, fmt.Errorf("teams history: message %s not among the last %d: %w", after, historyPage*historyPages, connector.ErrNotFound)
	}
	slices.Reverse(newer)
	var evs []core.Event
	for _, m := range newer {
		ev, ok := c.historyEvent(ch, m)
		if !ok {
			continue
		}
		evs = append(evs, ev)
		if limit > 0 && len(evs) == limit {
			break
		}
	}
	return evs, nil
}

// historyEvent turns a person's message into the event it would have been.
func (c *Client) historyEvent(ch core.ChannelID, m chatMessage) (core.Event, bool) {
	if m.From.User == nil || m.ID == "" || (m.DeletedDateTime != nil && *m.DeletedDateTime != "") {
		return core.Event{}, false // bots' (our own included) and deleted messages
	}
	// Graph numbers mentions; ParseTeamsHTML resolves <at id="N"> by index.
	var mentions []richtext.TeamsMention
	for _, mn := range m.Mentions {
		if mn.ID < 0 || mn.ID > 1000 {
			continue
		}
		for len(mentions) <= mn.ID {
			mentions = append(mentions, richtext.TeamsMention{})
		}
		if u := mn.Mentioned.User; u != nil {
			mentions[mn.ID] = richtext.TeamsMention{ID: u.ID, Name: u.DisplayName}
		}
	}
	body := richtext.Plain(m.Body.Content)
	if m.Body.ContentType == "html" {
		body = richtext.ParseTeamsHTML(m.Body.Content, mentions...)
	}
	t, err := time.Parse(time.RFC3339Nano, m.CreatedDateTime)
	if err != nil {
		t = c.conn.cfg.Now()
	}
	return core.Event{
		ID:      core.EventID("history|" + string(ch) + "|" + m.ID),
		Kind:    core.Posted,
		Tenant:  c.tenant,
		Source:  core.ChannelRef{Platform: core.Teams, Workspace: c.workspace, Channel: ch},
		Message: core.MessageID(m.ID),
		Author:  core.Author{ID: core.UserID(m.From.User.ID), Name: m.From.User.DisplayName},
		Body:    body,
		Time:    t.UTC(),
	}, true
}
