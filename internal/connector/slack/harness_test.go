package slack_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/secret"
)

// person acts as a Slack user through the official client; it remembers
// every text it wrote so the log test can look for them.
type person struct {
	api     *slack.Client
	user    slackemu.User
	channel string
	texts   *textLog
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

func (p *person) ID() core.UserID { return core.UserID(p.user.ID) }
func (p *person) Email() string   { return p.user.Email }

func (p *person) Post(ctx context.Context, text string) (core.MessageID, error) {
	p.texts.add(text)
	_, ts, err := p.api.PostMessageContext(ctx, p.channel, slack.MsgOptionText(text, false))
	return core.MessageID(ts), err
}

func (p *person) Reply(ctx context.Context, root core.MessageID, text string) (core.MessageID, error) {
	p.texts.add(text)
	_, ts, err := p.api.PostMessageContext(ctx, p.channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(string(root)))
	return core.MessageID(ts), err
}

func (p *person) Edit(ctx context.Context, id core.MessageID, text string) error {
	p.texts.add(text)
	_, _, _, err := p.api.UpdateMessageContext(ctx, p.channel, string(id), slack.MsgOptionText(text, false))
	return err
}

func (p *person) Delete(ctx context.Context, id core.MessageID) error {
	_, _, err := p.api.DeleteMessageContext(ctx, p.channel, string(id))
	return err
}

func (p *person) React(ctx context.Context, id core.MessageID, emoji string) error {
	return p.api.AddReactionContext(ctx, emoji, slack.NewRefToMessage(p.channel, string(id)))
}

func (p *person) Unreact(ctx context.Context, id core.MessageID, emoji string) error {
	return p.api.RemoveReactionContext(ctx, emoji, slack.NewRefToMessage(p.channel, string(id)))
}

func (p *person) Upload(ctx context.Context, name string, data []byte, comment string) (core.MessageID, error) {
	p.texts.add(comment)
	f, err := p.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(data), FileSize: len(data), Filename: name,
		Channel: p.channel, InitialComment: comment,
	})
	if err != nil {
		return "", err
	}
	// Slack shares the file a moment after the upload completes.
	for range 100 {
		info, _, _, err := p.api.GetFileInfoContext(ctx, f.ID, 0, 0)
		if err != nil {
			return "", err
		}
		for _, sh := range append(info.Shares.Public[p.channel], info.Shares.Private[p.channel]...) {
			return core.MessageID(sh.Ts), nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", errors.New("uploaded file not shared in the channel")
}

// viewer reads the channel with a person's token.
type viewer struct {
	api     *slack.Client
	channel string
	texts   *textLog
}

func (v *viewer) Message(ctx context.Context, root, id core.MessageID) (conformance.Seen, error) {
	var msgs []slack.Message
	if root == "" {
		h, err := v.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: v.channel, Oldest: string(id), Latest: string(id), Inclusive: true, Limit: 10,
		})
		if err != nil {
			return conformance.Seen{}, err
		}
		msgs = h.Messages
	} else {
		m, _, _, err := v.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: v.channel, Timestamp: string(root), Limit: 1000,
		})
		if err != nil {
			return conformance.Seen{}, err
		}
		msgs = m
	}
	for _, m := range msgs {
		if m.Timestamp == string(id) {
			return v.seen(ctx, m)
		}
	}
	return conformance.Seen{}, fmt.Errorf("message %s: %w", id, connector.ErrNotFound)
}

func (v *viewer) seen(ctx context.Context, m slack.Message) (conformance.Seen, error) {
	s := conformance.Seen{Text: html.UnescapeString(m.Text), AuthorName: m.Username}
	v.texts.add(s.Text)
	if s.AuthorName == "" && m.User != "" {
		u, err := v.api.GetUserInfoContext(ctx, m.User)
		if err != nil {
			return s, err
		}
		s.AuthorName = u.Profile.DisplayName
		if s.AuthorName == "" {
			s.AuthorName = u.RealName
		}
	}
	if m.ThreadTimestamp != "" && m.ThreadTimestamp != m.Timestamp {
		s.Thread = core.MessageID(m.ThreadTimestamp)
	}
	for _, r := range m.Reactions {
		s.Reactions = append(s.Reactions, r.Name)
	}
	for _, f := range m.Files {
		var b bytes.Buffer
		if err := v.api.GetFileContext(ctx, f.URLPrivateDownload, &b); err != nil {
			return s, fmt.Errorf("download %s: %w", f.ID, err)
		}
		s.Files = append(s.Files, b.Bytes())
	}
	return s, nil
}

// harness builds the conformance harness for e.
func (e *env) harness(texts *textLog) conformance.Harness {
	return conformance.Harness{
		Client:  e.client,
		Channel: e.channelRef(),
		Tenant:  "tenant-conformance",
		InstallAs: func(ctx context.Context, tenant core.TenantID) (connector.Client, error) {
			return e.conn.Install(ctx, connector.Installation{Tenant: tenant, Workspace: core.WorkspaceID(e.team.ID), Token: secret.New(e.install.BotToken)})
		},
		Person:  &person{api: e.userAPI(e.person.Token), user: e.person, channel: e.channel.ID, texts: texts},
		Viewer:  &viewer{api: e.userAPI(e.person.Token), channel: e.channel.ID, texts: texts},
		Events:  e.events,
		Timeout: 10 * time.Second,
	}
}
