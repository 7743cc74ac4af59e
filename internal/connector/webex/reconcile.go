package webex

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"parley/internal/connector"
	"parley/internal/core"
)

var _ connector.ContentReconciler = (*Client)(nil)

// reconcileWindow is how many of a room's (or thread's) newest messages
// FindSentContent looks at: a retry follows its lost attempt within
// seconds to minutes, and the room is unlikely to have moved on by more.
const reconcileWindow = 50

// FindSentContent finds this account's recent message in ch (under root)
// whose markdown is what m renders to and that taken does not claim.
func (c *Client) FindSentContent(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message, taken func(core.MessageID) bool) (core.MessageID, error) {
	text, err := body(m)
	if err != nil {
		return "", err
	}
	q := url.Values{"roomId": {string(ch)}, "max": {strconv.Itoa(reconcileWindow)}}
	if root != "" {
		q.Set("parentId", string(root))
	}
	if c.bot {
		q.Set("mentionedPeople", "me")
	}
	var list struct {
		Items []message `json:"items"`
	}
	if err := c.api.call(ctx, "messages list", http.MethodGet, "messages?"+q.Encode(), nil, &list); err != nil {
		return "", err
	}
	// Oldest first: of two candidates, the earlier is the lost attempt.
	for i := len(list.Items) - 1; i >= 0; i-- {
		it := list.Items[i]
		if it.PersonID != c.self || it.ParentID != string(root) || it.Markdown != text {
			continue
		}
		if id := core.MessageID(it.ID); !taken(id) {
			return id, nil
		}
	}
	return "", fmt.Errorf("webex: no earlier attempt in the room: %w", connector.ErrNotFound)
}
