package teams

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
)

var _ connector.Reconciler = (*Client)(nil)

// keyElementPrefix marks the hidden card element that carries a
// delivery's opaque key, so a retry can find a copy that landed.
const keyElementPrefix = "parley-"

// keyElement is an invisible TextBlock whose id holds the key: standard
// Adaptive Card schema, shown by no client.
func keyElement(key string) map[string]any {
	return map[string]any{"type": "TextBlock", "id": keyElementPrefix + key, "text": " ", "isVisible": false}
}

// FindSent looks for the bot's card carrying key among the channel's (or
// the thread's) most recent messages, through Graph.
func (c *Client) FindSent(ctx context.Context, ch core.ChannelID, root core.MessageID, key string) (core.MessageID, error) {
	group, err := c.groupOf(ctx, ch)
	if err != nil {
		return "", err
	}
	segs := []string{"teams", group, "channels", string(ch), "messages"}
	if root != "" {
		segs = append(segs, string(root), "replies")
	}
	var page struct {
		Value []struct {
			ID          string `json:"id"`
			Attachments []struct {
				Content string `json:"content"`
			} `json:"attachments"`
		} `json:"value"`
	}
	u := c.graphURL(url.Values{"$top": {"50"}}, segs...)
	if err := c.graph.Call(ctx, "find sent", http.MethodGet, u, nil, &page); err != nil {
		return "", err
	}
	want := `"` + keyElementPrefix + key + `"`
	for _, m := range page.Value {
		for _, a := range m.Attachments {
			if strings.Contains(a.Content, want) {
				return core.MessageID(m.ID), nil
			}
		}
	}
	return "", fmt.Errorf("teams: no message with this relay key: %w", connector.ErrNotFound)
}

// groupFromGraph finds the team (its Graph ID) that holds channel ch by
// listing the tenant's teams and their channels (Team.ReadBasic.All,
// Channel.ReadBasic.All), and remembers it. It is the fallback after a
// restart, before the channel has said anything.
func (c *Client) groupFromGraph(ctx context.Context, ch core.ChannelID) (string, error) {
	var teams struct {
		Value []struct {
			ID         string `json:"id"`
			InternalID string `json:"internalId"`
		} `json:"value"`
	}
	if err := c.graph.Call(ctx, "list teams", http.MethodGet, c.graphURL(nil, "teams"), nil, &teams); err != nil {
		return "", fmt.Errorf("teams: finding the channel's team: %w", err)
	}
	for _, t := range teams.Value {
		var chans struct {
			Value []struct {
				ID string `json:"id"`
			} `json:"value"`
		}
		if err := c.graph.Call(ctx, "list channels", http.MethodGet, c.graphURL(nil, "teams", t.ID, "channels"), nil, &chans); err != nil {
			continue
		}
		for _, x := range chans.Value {
			if x.ID == string(ch) {
				c.conn.rememberGroup(string(ch), t.InternalID, t.ID)
				return t.ID, nil
			}
		}
	}
	return "", errors.New("teams: the channel is in none of the tenant's teams the app can see")
}
