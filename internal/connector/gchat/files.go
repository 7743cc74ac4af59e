package gchat

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/googleapi"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/retry"
	"parley/internal/richtext"
)

// FetchFile streams an uploaded attachment announced in an event
// (ref.ID is its attachmentDataRef.resourceName) with media.download,
// through the egress guard: a redirect off Google's hosts or to an
// internal address is refused.
func (c *Client) FetchFile(ctx context.Context, ref core.FileRef) (io.ReadCloser, error) {
	name := string(ref.ID)
	if name == "" || strings.Contains(name, "..") {
		return nil, fmt.Errorf("gchat media.download: bad resource name: %w", connector.ErrPermanent)
	}
	resp, err := c.media.Media.Download(name).Context(ctx).Download()
	if err != nil {
		return nil, mapError("media.download", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, mapError("media.download", &googleapi.Error{Code: resp.StatusCode, Header: resp.Header})
	}
	return resp.Body, nil
}

// RelayClient is the Client of a domain installed with a relay user's
// token: besides what the app can do, it reacts and sends files as that
// user, since Google Chat allows neither with app auth.
type RelayClient struct {
	*Client
}

var (
	_ connector.Reactor    = (*RelayClient)(nil)
	_ connector.FileSender = (*RelayClient)(nil)
)

// SendFile uploads f with media.upload (see upload), then posts it (in root's thread when set) with m as its text.
// Both need user auth, so the message is the relay user's and names the
// author in its text (user-auth messages cannot carry cards).
func (c *RelayClient) SendFile(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message, f connector.File) (core.MessageID, error) {
	ctx = withIdempotencyKey(ctx, m.Key)
	space := string(ch)
	if spaceOf(space) != space {
		return "", fmt.Errorf("gchat upload: %q is not a space name: %w", space, connector.ErrPermanent)
	}
	name := f.Name
	if name == "" {
		name = "file"
	}
	mime := f.MimeType
	if mime == "" {
		mime = "application/octet-stream"
	}
	up, err := c.upload(ctx, space, name, mime, f)
	if err != nil {
		return "", err
	}
	if up.AttachmentDataRef == nil {
		return "", fmt.Errorf("gchat media.upload: no attachment reference in the answer")
	}
	msg := &chat.Message{
		Text:       bylineText(m),
		Attachment: []*chat.Attachment{{AttachmentDataRef: up.AttachmentDataRef}},
	}
	return c.create(ctx, c.user, byRelay, ch, root, msg)
}

// replayLimit is the size up to which an upload is held in memory so that
// it can be sent again after a 429 (Chat's per-space write limit is often
// hit by a burst). Larger files stream once; on a 429 delivery retries the
// whole transfer, fetching the file from its source again.
const replayLimit = 1 << 20

// upload sends the file's bytes with media.upload in one multipart request.
func (c *RelayClient) upload(ctx context.Context, space, name, mime string, f connector.File) (*chat.UploadAttachmentResponse, error) {
	body := f.Body
	if f.Size > 0 {
		body = io.LimitReader(f.Body, f.Size)
	}
	head, err := io.ReadAll(io.LimitReader(body, replayLimit+1))
	if err != nil {
		return nil, fmt.Errorf("gchat media.upload: reading the file: %w", err)
	}
	send := func(r io.Reader) (*chat.UploadAttachmentResponse, error) {
		return c.user.Media.Upload(space, &chat.UploadAttachmentRequest{Filename: name}).
			Media(r, googleapi.ContentType(mime), googleapi.ChunkSize(0)).Context(ctx).Do()
	}
	if len(head) > replayLimit {
		up, err := send(io.MultiReader(bytes.NewReader(head), body))
		return up, mapError("media.upload", err)
	}
	for try := 0; ; try++ {
		up, err := send(bytes.NewReader(head))
		if err == nil || !isStatus(err, http.StatusTooManyRequests) || try >= retryTries {
			return up, mapError("media.upload", err)
		}
		if err := retry.Sleep(ctx, retryWaits.Wait(try)); err != nil {
			return nil, fmt.Errorf("gchat media.upload: %w", err)
		}
	}
}

// React adds the relay user's reaction; reacting twice is not an error.
func (c *RelayClient) React(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error {
	unicode, err := unicodeOf(emoji)
	if err != nil {
		return err
	}
	key := string(id) + "|" + unicode
	c.id.pending.put(key, "")
	r, err := c.user.Spaces.Messages.Reactions.Create(string(id), &chat.Reaction{Emoji: &chat.Emoji{Unicode: unicode}}).Context(ctx).Do()
	if isStatus(err, http.StatusConflict) {
		return nil // already reacted
	}
	if err != nil {
		c.id.pending.remove(key)
		return mapError("spaces.messages.reactions.create", err)
	}
	c.id.ours.put(r.Name, byRelay)
	if r.User != nil {
		c.id.learnRelay(r.User.Name)
	}
	return nil
}

// Unreact removes the relay user's reaction; removing an absent one is
// not an error.
func (c *RelayClient) Unreact(ctx context.Context, ch core.ChannelID, id core.MessageID, emoji string) error {
	unicode, err := unicodeOf(emoji)
	if err != nil {
		return err
	}
	filter := fmt.Sprintf(`emoji.unicode = "%s" AND user.name = "users/me"`, unicode)
	c.id.mu.RLock()
	if c.id.relayUser != "" {
		filter = fmt.Sprintf(`emoji.unicode = "%s" AND user.name = "%s"`, unicode, c.id.relayUser)
	}
	c.id.mu.RUnlock()
	list, err := c.user.Spaces.Messages.Reactions.List(string(id)).Filter(filter).Context(ctx).Do()
	if err != nil {
		return mapError("spaces.messages.reactions.list", err)
	}
	for _, r := range list.Reactions {
		if r.Emoji == nil || r.Emoji.Unicode != unicode {
			continue
		}
		c.id.ours.put(r.Name, byRelay)
		_, err := c.user.Spaces.Messages.Reactions.Delete(r.Name).Context(ctx).Do()
		if err != nil && !isStatus(err, http.StatusNotFound) {
			return mapError("spaces.messages.reactions.delete", err)
		}
	}
	return nil
}

// unicodeOf maps a short name to the Unicode emoji Chat reacts with.
func unicodeOf(emoji string) (string, error) {
	base, _, _ := strings.Cut(emoji, "::skin-tone-")
	if u, ok := richtext.GChatEmojiUnicode(base); ok {
		return u, nil
	}
	return "", fmt.Errorf("gchat reaction: no Unicode emoji for %q: %w", emoji, connector.ErrPermanent)
}
