package gchat

import (
	"context"
	"fmt"
	"time"

	chat "google.golang.org/api/chat/v1"

	"parley/internal/core"
)

// historyPage is how many messages one spaces.messages.list call asks for.
const historyPage = 1000

// History returns up to limit messages posted in ch after the message
// after (exclusive), oldest first, thread replies included, our own posts
// left out like their events. Each event's ID is "history:<message>",
// stable across calls, so catching up twice dedupes.
func (c *Client) History(ctx context.Context, ch core.ChannelID, after core.MessageID, limit int) ([]core.Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	from, err := c.app.Spaces.Messages.Get(string(after)).Context(ctx).Do()
	if err != nil {
		return nil, mapError("spaces.messages.get", err)
	}
	return c.list(ctx, string(ch), fmt.Sprintf(`createTime > "%s"`, from.CreateTime), string(after), limit)
}

// historyBetween is History between two times on Google's clock instead of
// after a message: what was posted from since and before until (unless
// zero), for catching up a gap in a subscription's deliveries.
func (c *Client) historyBetween(ctx context.Context, space string, since, until time.Time, limit int) ([]core.Event, error) {
	filter := fmt.Sprintf(`createTime >= "%s"`, since.UTC().Format(time.RFC3339Nano))
	if !until.IsZero() {
		filter += fmt.Sprintf(` AND createTime < "%s"`, until.UTC().Format(time.RFC3339Nano))
	}
	return c.list(ctx, space, filter, "", limit)
}

// list lists up to limit messages of space that match filter, oldest
// first, leaving out skip, as events.
func (c *Client) list(ctx context.Context, space, filter, skip string, limit int) ([]core.Event, error) {
	var events []core.Event
	call := c.app.Spaces.Messages.List(space).Filter(filter).OrderBy("createTime asc").PageSize(historyPage)
	err := call.Pages(ctx, func(resp *chat.ListMessagesResponse) error {
		for _, m := range resp.Messages {
			if len(events) >= limit {
				return errEnough
			}
			if m.Name == skip {
				continue
			}
			if ev, ok := c.historyEvent(ctx, m); ok {
				events = append(events, ev)
			}
		}
		return nil
	})
	if err != nil && err != errEnough {
		return nil, mapError("spaces.messages.list", err)
	}
	return events, nil
}

// errEnough stops paging once limit events are in hand.
var errEnough = fmt.Errorf("enough")

// historyEvent translates a listed message like its created event.
func (c *Client) historyEvent(ctx context.Context, m *chat.Message) (core.Event, bool) {
	w := &wireMessage{
		Name: m.Name, CreateTime: m.CreateTime, Text: m.Text, FormattedText: m.FormattedText,
		ThreadReply: m.ThreadReply, ClientAssignedMessageID: m.ClientAssignedMessageId,
	}
	if m.Sender != nil {
		w.Sender = &wireUser{Name: m.Sender.Name, DisplayName: m.Sender.DisplayName, Email: m.Sender.Email, Type: m.Sender.Type, AvatarURL: m.Sender.AvatarUrl}
	}
	if m.Thread != nil {
		w.Thread = &wireThread{Name: m.Thread.Name}
	}
	for _, a := range m.Annotations {
		if a.UserMention != nil && a.UserMention.User != nil {
			wa := wireAnnotation{Type: a.Type}
			wa.UserMention = &struct {
				User wireUser `json:"user"`
			}{User: wireUser{Name: a.UserMention.User.Name, DisplayName: a.UserMention.User.DisplayName}}
			w.Annotations = append(w.Annotations, wa)
		}
	}
	for _, a := range m.Attachment {
		wa := wireAttachment{Name: a.Name, ContentName: a.ContentName, ContentType: a.ContentType, Source: a.Source}
		if a.AttachmentDataRef != nil {
			wa.AttachmentDataRef = &struct {
				ResourceName string `json:"resourceName"`
			}{ResourceName: a.AttachmentDataRef.ResourceName}
		}
		w.Attachment = append(w.Attachment, wa)
	}
	ce := cloudEvent{ID: "history:" + m.Name, Type: ceMessageCreated, Time: time.Time{}, Data: eventData{Message: w}}
	return translate(ctx, ce, c.id, c.rootOf)
}
