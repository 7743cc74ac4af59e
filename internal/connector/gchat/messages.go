package gchat

import (
	"context"
	"fmt"
	"net/http"

	chat "google.golang.org/api/chat/v1"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// replyOption makes a reply to a thread that no longer exists start a new
// one rather than fail: the reply is still shown.
const replyOption = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"

// Who created one of our messages, which decides who may edit it.
const (
	byApp   = "app"
	byRelay = "relay"
)

// Send posts m as a new top-level message, with the author in a card
// header.
func (c *Client) Send(ctx context.Context, ch core.ChannelID, m connector.Message) (core.MessageID, error) {
	return c.create(withIdempotencyKey(ctx, m.Key), c.app, byApp, ch, "", &chat.Message{
		Text:    richtext.RenderGChat(m.Body),
		CardsV2: authorCard(m.Author),
	})
}

// SendReply posts m in the thread rooted at root.
func (c *Client) SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	if root == "" {
		return "", fmt.Errorf("gchat reply: no thread root: %w", connector.ErrPermanent)
	}
	return c.create(withIdempotencyKey(ctx, m.Key), c.app, byApp, ch, root, &chat.Message{
		Text:    richtext.RenderGChat(m.Body),
		CardsV2: authorCard(m.Author),
	})
}

// create posts msg in ch (in root's thread when set) through svc, with a
// custom message ID and request ID so that a retried create is not a
// duplicate.
func (c *Client) create(ctx context.Context, svc *chat.Service, by string, ch core.ChannelID, root core.MessageID, msg *chat.Message) (core.MessageID, error) {
	space := string(ch)
	if spaceOf(space) != space {
		return "", fmt.Errorf("gchat create: %q is not a space name: %w", space, connector.ErrPermanent)
	}
	if err := c.watch(ctx, space); err != nil {
		return "", err
	}
	call := svc.Spaces.Messages.Create(space, msg)
	if root != "" {
		thread, err := c.threadOf(ctx, root)
		if err != nil {
			return "", err
		}
		msg.Thread = &chat.Thread{Name: thread}
		call.MessageReplyOption(replyOption)
	}
	id := messageID(ctx)
	got, err := call.MessageId(id).RequestId(id).Context(ctx).Do()
	if isStatus(err, http.StatusConflict) {
		// The custom ID exists: an earlier try of this create succeeded.
		got, err = svc.Spaces.Messages.Get(space + "/messages/" + id).Context(ctx).Do()
	}
	if err != nil {
		return "", mapError("spaces.messages.create", err)
	}
	c.id.ours.put(got.Name, by)
	if got.Sender != nil {
		if by == byApp {
			c.id.learnApp(got.Sender.Name)
		} else {
			c.id.learnRelay(got.Sender.Name)
		}
	}
	if got.Thread != nil && root == "" {
		c.id.roots.put(got.Thread.Name, got.Name)
	}
	return core.MessageID(got.Name), nil
}

// Edit replaces the text and byline of a message Parley posted. Messages
// posted with the relay user (files) carry their byline in the text.
func (c *Client) Edit(ctx context.Context, ch core.ChannelID, id core.MessageID, m connector.Message) error {
	if by, _ := c.id.ours.get(string(id)); by == byRelay && c.user != nil {
		_, err := c.user.Spaces.Messages.Patch(string(id), &chat.Message{Text: bylineText(m)}).
			UpdateMask("text").Context(ctx).Do()
		return mapError("spaces.messages.patch", err)
	}
	msg := &chat.Message{Text: richtext.RenderGChat(m.Body), CardsV2: authorCard(m.Author)}
	if msg.CardsV2 == nil {
		// Patching cards_v2 to nothing must still send the field.
		msg.ForceSendFields = []string{"CardsV2"}
	}
	_, err := c.app.Spaces.Messages.Patch(string(id), msg).UpdateMask("text,cards_v2").Context(ctx).Do()
	return mapError("spaces.messages.patch", err)
}

// Delete removes a message Parley posted.
func (c *Client) Delete(ctx context.Context, ch core.ChannelID, id core.MessageID) error {
	svc := c.app
	if by, _ := c.id.ours.get(string(id)); by == byRelay && c.user != nil {
		svc = c.user
	}
	_, err := svc.Spaces.Messages.Delete(string(id)).Context(ctx).Do()
	return mapError("spaces.messages.delete", err)
}

// threadOf returns the thread name of message root.
func (c *Client) threadOf(ctx context.Context, root core.MessageID) (string, error) {
	m, err := c.app.Spaces.Messages.Get(string(root)).Context(ctx).Do()
	if err != nil {
		return "", mapError("spaces.messages.get", err)
	}
	if m.Thread == nil || m.Thread.Name == "" {
		return "", fmt.Errorf("gchat reply: root has no thread: %w", connector.ErrPermanent)
	}
	return m.Thread.Name, nil
}

// rootOf finds the first message of a thread, for replies whose root the
// connector has not seen. It returns "" when it cannot tell.
func (c *Client) rootOf(ctx context.Context, thread string) string {
	space := spaceOf(thread)
	if space == "" {
		return ""
	}
	resp, err := c.app.Spaces.Messages.List(space).
		Filter(fmt.Sprintf("thread.name = %s", thread)).
		OrderBy("createTime asc").PageSize(1).Context(ctx).Do()
	if err != nil || len(resp.Messages) == 0 {
		return ""
	}
	return resp.Messages[0].Name
}
