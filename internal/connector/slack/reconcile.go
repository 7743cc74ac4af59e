package slack

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
)

// relayEventType marks Parley's posts in Slack message metadata. The
// payload holds only the delivery's opaque key: nothing about the source.
const relayEventType = "parley_relay"

// reconcileWindow is how many recent messages are searched. An unknown
// outcome is resolved within seconds or minutes, when the message is among
// the newest.
const reconcileWindow = 200

var _ connector.Reconciler = (*Client)(nil)

// FindSent looks for the app's message carrying key among the channel's
// (or the thread's) most recent messages.
func (c *Client) FindSent(ctx context.Context, ch core.ChannelID, root core.MessageID, key string) (core.MessageID, error) {
	var msgs []slack.Message
	if root != "" {
		replies, _, _, err := c.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: string(ch), Timestamp: string(root), Limit: reconcileWindow, IncludeAllMetadata: true,
		})
		if err != nil {
			return "", mapError("conversations.replies", err)
		}
		msgs = replies
	} else {
		h, err := c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: string(ch), Limit: reconcileWindow, IncludeAllMetadata: true,
		})
		if err != nil {
			return "", mapError("conversations.history", err)
		}
		msgs = h.Messages
	}
	for _, m := range msgs {
		if m.BotID == c.id.botID && m.Metadata.EventType == relayEventType && m.Metadata.EventPayload["key"] == key {
			return core.MessageID(m.Timestamp), nil
		}
	}
	return "", fmt.Errorf("slack: no message with this relay key: %w", connector.ErrNotFound)
}
