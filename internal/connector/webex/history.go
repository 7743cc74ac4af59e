package webex

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"parley/internal/connector"
	"parley/internal/core"
)

// Webex lists messages newest first and only before a message, so History
// pages back until it meets after; it looks at most historyPages pages.
const (
	historyPage  = 100
	historyPages = 10
)

// History returns up to limit messages posted in ch after the message
// after, oldest first.
func (c *Client) History(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	var newer []message // newest first
	before := ""
	found := false
	for page := 0; page < historyPages && !found; page++ {
		q := url.Values{"roomId": {string(ch)}, "max": {strconv.Itoa(historyPage)}}
		if before != "" {
			q.Set("beforeMessage", before)
		}
		if c.bot {
			q.Set("mentionedPeople", "me")
		}
		var list struct {
			Items []message `json:"items"`
		}
		if err := c.api.call(ctx, "messages list", http.MethodGet, "messages?"+q.Encode(), nil, &list); err != nil {
			return nil, err
		}
		for _, m := range list.Items {
			if core.MessageID(m.ID) == after {
				found = true
				break
			}
			newer = append(newer, m)
		}
		if len(list.Items) < historyPage {
			break
		}
		before = list.Items[len(list.Items)-1].ID
	}
	if !found && after != "" {
		return nil, fmt.Errorf("webex history: message not among the last %d: %w", historyPage*historyPages, connector.ErrNotFound)
	}
	slices.Reverse(newer)
	var out []core.Event
	for _, m := range newer {
		if len(out) == limit {
			break
		}
		if m.PersonID == c.self {
			continue
		}
		ev, err := c.toEvent(ctx, core.Posted, core.EventID("history/"+m.ID), m)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}
