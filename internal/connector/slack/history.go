package slack

import (
	"context"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"parley/internal/core"
)

// historyPage is how many messages one conversations.history call asks for.
const historyPage = 200

// History returns up to limit messages posted in ch after the message
// after (exclusive), oldest first. conversations.history pages from newest
// to oldest, so every page is read and only the oldest limit messages are
// kept. Thread replies are not in channel history (except broadcasts), and
// our own posts are left out like their events. Each event's ID is
// "history:<channel>:<ts>", stable across calls, so catching up twice
// dedupes.
func (c *Client) History(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	var kept []slack.Message // newest first, at most limit
	cursor := ""
	for {
		resp, err := c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: string(ch),
			Oldest:    string(after),
			Inclusive: false,
			Limit:     historyPage,
			Cursor:    cursor,
		})
		if err != nil {
			return nil, mapError("conversations.history", err)
		}
		for _, m := range resp.Messages {
			if m.Timestamp == string(after) {
				continue // some servers treat oldest as inclusive
			}
			kept = append(kept, m)
		}
		if len(kept) > limit {
			// Later pages are older: drop the newest.
			kept = kept[len(kept)-limit:]
		}
		cursor = resp.ResponseMetaData.NextCursor
		if !resp.HasMore || cursor == "" {
			break
		}
	}
	slices.Reverse(kept)
	events := make([]core.Event, 0, len(kept))
	for _, m := range kept {
		ev, ok := c.historyEvent(ch, m)
		if !ok {
			continue
		}
		if err := c.resolveFiles(ctx, &ev); err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// historyEvent translates a history message like its message event.
func (c *Client) historyEvent(ch core.ChannelID, m slack.Message) (core.Event, bool) {
	in := innerEvent{Type: "message", Subtype: m.SubType, Channel: string(ch)}
	in.msgFields = msgFields{
		User:     m.User,
		Text:     m.Text,
		TS:       m.Timestamp,
		ThreadTS: m.ThreadTimestamp,
		BotID:    m.BotID,
		Username: m.Username,
	}
	if m.BotProfile != nil {
		in.AppID = m.BotProfile.AppID
	}
	for _, f := range m.Files {
		in.Files = append(in.Files, slackFile{
			ID: f.ID, Name: f.Name, Title: f.Title, Mimetype: f.Mimetype,
			Size: int64(f.Size), URLPrivateDownload: f.URLPrivateDownload, FileAccess: f.FileAccess,
		})
	}
	env := envelope{
		Type:    typeEventCallback,
		TeamID:  string(c.id.team),
		EventID: fmt.Sprintf("history:%s:%s", ch, m.Timestamp),
		Event:   &in,
	}
	return translate(env, c.id)
}
