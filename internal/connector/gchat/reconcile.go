package gchat

import (
	"context"
	"fmt"
	"net/http"

	"parley/internal/connector"
	"parley/internal/core"
)

var _ connector.Reconciler = (*Client)(nil)

// FindSent finds the message created for key: its custom message ID is
// derived from the key, so one GET answers whether an attempt landed.
func (c *Client) FindSent(ctx context.Context, ch core.ChannelID, _ core.MessageID, key string) (core.MessageID, error) {
	name := string(ch) + "/messages/" + messageID(withIdempotencyKey(ctx, key))
	got, err := c.app.Spaces.Messages.Get(name).Context(ctx).Do()
	if isStatus(err, http.StatusNotFound) {
		return "", fmt.Errorf("gchat: no message for this relay key: %w", connector.ErrNotFound)
	}
	if err != nil {
		return "", mapError("spaces.messages.get", err)
	}
	return core.MessageID(got.Name), nil
}
