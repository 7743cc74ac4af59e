package slack

import (
	"context"
	"slices"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
)

var _ connector.ThreadHistory = (*Client)(nil)

// threadPages bounds how far back RepliesAfter looks for active threads:
// threadPages × historyPage top-level messages.
const threadPages = 5

// RepliesAfter looks at the newest threadPages pages of ch's history for
// threads whose latest reply is newer than after, and reads each such
// thread's replies after it through conversations.replies. Threads rooted
// further back are not looked at: a reply there posted while Parley was
// down arrives only with Slack's redelivery, possibly after newer replies.
func (c *Client) RepliesAfter(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error) {
	if limit <= 0 || after == "" {
		return nil, nil
	}
	var roots []slack.Message
	cursor := ""
	for range threadPages {
		resp, err := c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: string(ch), Limit: historyPage, Cursor: cursor})
		if err != nil {
			return nil, mapError("conversations.history", err)
		}
		roots = append(roots, resp.Messages...)
		cursor = resp.ResponseMetaData.NextCursor
		if !resp.HasMore || cursor == "" {
			break
		}
	}
	var replies []slack.Message
	for _, root := range roots {
		if root.ReplyCount == 0 || !tsAfter(root.LatestReply, string(after)) {
			continue
		}
		page := ""
		for {
			msgs, more, next, err := c.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: string(ch), Timestamp: root.Timestamp, Oldest: string(after), Limit: 1000, Cursor: page,
			})
			if err != nil {
				return nil, mapError("conversations.replies", err)
			}
			for _, m := range msgs {
				if m.Timestamp != root.Timestamp && tsAfter(m.Timestamp, string(after)) {
					replies = append(replies, m)
				}
			}
			if !more || next == "" {
				break
			}
			page = next
		}
	}
	slices.SortFunc(replies, func(a, b slack.Message) int { return compareTS(a.Timestamp, b.Timestamp) })
	if len(replies) > limit {
		replies = replies[:limit]
	}
	var events []core.Event
	for _, m := range replies {
		if ev, ok := c.historyEvent(ch, m); ok {
			events = append(events, ev)
		}
	}
	return events, nil
}

// tsAfter compares Slack timestamps ("1712345678.000200").
func tsAfter(a, b string) bool { return compareTS(a, b) > 0 }

// compareTS orders Slack timestamps: seconds, then the six-digit
// fraction, compared as numbers by length first.
func compareTS(a, b string) int {
	as, af := splitTS(a)
	bs, bf := splitTS(b)
	if c := compareDigits(as, bs); c != 0 {
		return c
	}
	return compareDigits(af, bf)
}

func splitTS(ts string) (secs, frac string) {
	for i := range len(ts) {
		if ts[i] == '.' {
			return ts[:i], ts[i+1:]
		}
	}
	return ts, ""
}

func compareDigits(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
