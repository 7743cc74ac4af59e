package gchat_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/googleapi"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/core"
	gchatemu "parley/internal/emulator/gchat"
	"parley/internal/richtext"
	"parley/internal/secret"
)

// person acts as a Chat user through the official client; it remembers
// every text it wrote so the log test can look for them.
type person struct {
	api   *chat.Service
	user  gchatemu.User
	space string
	texts *textLog
}

type textLog struct {
	mu    sync.Mutex
	texts []string
}

func (l *textLog) add(s string) {
	l.mu.Lock()
	l.texts = append(l.texts, s)
	l.mu.Unlock()
}

func (l *textLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.texts...)
}

func (p *person) ID() core.UserID { return core.UserID(p.user.Name) }
func (p *person) Email() string   { return p.user.Email }

func (p *person) Post(ctx context.Context, text string) (core.MessageID, error) {
	p.texts.add(text)
	m, err := p.api.Spaces.Messages.Create(p.space, &chat.Message{Text: text}).Context(ctx).Do()
	if err != nil {
		return "", err
	}
	return core.MessageID(m.Name), nil
}

func (p *person) Reply(ctx context.Context, root core.MessageID, text string) (core.MessageID, error) {
	p.texts.add(text)
	r, err := p.api.Spaces.Messages.Get(string(root)).Context(ctx).Do()
	if err != nil {
		return "", err
	}
	m, err := p.api.Spaces.Messages.Create(p.space, &chat.Message{Text: text, Thread: &chat.Thread{Name: r.Thread.Name}}).
		MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Context(ctx).Do()
	if err != nil {
		return "", err
	}
	return core.MessageID(m.Name), nil
}

func (p *person) Edit(ctx context.Context, id core.MessageID, text string) error {
	p.texts.add(text)
	_, err := p.api.Spaces.Messages.Patch(string(id), &chat.Message{Text: text}).UpdateMask("text").Context(ctx).Do()
	return err
}

func (p *person) Delete(ctx context.Context, id core.MessageID) error {
	_, err := p.api.Spaces.Messages.Delete(string(id)).Context(ctx).Do()
	return err
}

func (p *person) React(ctx context.Context, id core.MessageID, emoji string) error {
	u, _ := richtext.GChatEmojiUnicode(emoji)
	_, err := p.api.Spaces.Messages.Reactions.Create(string(id), &chat.Reaction{Emoji: &chat.Emoji{Unicode: u}}).Context(ctx).Do()
	return err
}

func (p *person) Unreact(ctx context.Context, id core.MessageID, emoji string) error {
	u, _ := richtext.GChatEmojiUnicode(emoji)
	list, err := p.api.Spaces.Messages.Reactions.List(string(id)).Context(ctx).Do()
	if err != nil {
		return err
	}
	for _, r := range list.Reactions {
		if r.Emoji != nil && r.Emoji.Unicode == u && r.User != nil && r.User.Name == p.user.Name {
			if _, err := p.api.Spaces.Messages.Reactions.Delete(r.Name).Context(ctx).Do(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *person) Upload(ctx context.Context, name string, data []byte, comment string) (core.MessageID, error) {
	p.texts.add(comment)
	up, err := p.api.Media.Upload(p.space, &chat.UploadAttachmentRequest{Filename: name}).
		Media(bytes.NewReader(data), googleapi.ContentType("application/octet-stream")).Context(ctx).Do()
	if err != nil {
		return "", err
	}
	m, err := p.api.Spaces.Messages.Create(p.space, &chat.Message{
		Text: comment, Attachment: []*chat.Attachment{{AttachmentDataRef: up.AttachmentDataRef}},
	}).Context(ctx).Do()
	if err != nil {
		return "", err
	}
	return core.MessageID(m.Name), nil
}

// viewer reads the space with a person's token.
type viewer struct {
	api   *chat.Service
	space string
	texts *textLog
}

func (v *viewer) Message(ctx context.Context, root, id core.MessageID) (conformance.Seen, error) {
	m, err := v.api.Spaces.Messages.Get(string(id)).Context(ctx).Do()
	if err != nil {
		var ge *googleapi.Error
		if errors.As(err, &ge) && ge.Code == http.StatusNotFound {
			return conformance.Seen{}, fmt.Errorf("message %s: %w", id, connector.ErrNotFound)
		}
		return conformance.Seen{}, err
	}
	s := conformance.Seen{Text: m.Text}
	v.texts.add(s.Text)
	if m.Sender != nil {
		s.AuthorName = m.Sender.DisplayName
	}
	for _, c := range m.CardsV2 {
		if c.Card != nil && c.Card.Header != nil && c.Card.Header.Title != "" {
			s.AuthorName = c.Card.Header.Title
		}
	}
	if m.ThreadReply && m.Thread != nil {
		list, err := v.api.Spaces.Messages.List(v.space).Filter(fmt.Sprintf("thread.name = %s", m.Thread.Name)).
			OrderBy("createTime asc").PageSize(1).Context(ctx).Do()
		if err != nil {
			return s, err
		}
		if len(list.Messages) > 0 && list.Messages[0].Name != m.Name {
			s.Thread = core.MessageID(list.Messages[0].Name)
		}
	}
	reactions, err := v.api.Spaces.Messages.Reactions.List(m.Name).Context(ctx).Do()
	if err != nil {
		return s, err
	}
	for _, r := range reactions.Reactions {
		if r.Emoji != nil {
			if n, ok := richtext.GChatEmojiShortName(r.Emoji.Unicode); ok {
				s.Reactions = append(s.Reactions, n)
			}
		}
	}
	for _, a := range m.Attachment {
		if a.AttachmentDataRef == nil {
			continue
		}
		resp, err := v.api.Media.Download(a.AttachmentDataRef.ResourceName).Context(ctx).Download()
		if err != nil {
			return s, fmt.Errorf("download: %w", err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return s, err
		}
		s.Files = append(s.Files, b)
	}
	return s, nil
}

func (e *env) harness(t *testing.T, texts *textLog) conformance.Harness {
	return conformance.Harness{
		Client:  e.client,
		Channel: e.channelRef(),
		Tenant:  "t1",
		InstallAs: func(ctx context.Context, tenant core.TenantID) (connector.Client, error) {
			return e.conn.Install(ctx, connector.Installation{Tenant: tenant, Workspace: core.WorkspaceID(e.domain.Name), Token: secret.New(e.relay.Token)})
		},
		Person:  &person{api: e.userAPI(t, e.person.Token), user: e.person, space: e.space.Name, texts: texts},
		Viewer:  &viewer{api: e.userAPI(t, e.person.Token), space: e.space.Name, texts: texts},
		Events:  e.events,
		Timeout: 10 * time.Second,
	}
}
