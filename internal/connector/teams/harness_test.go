package teams_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/core"
	"parley/internal/richtext"
)

// graphClient calls the emulator's Graph as a person, with their
// delegated token, the way the Teams client does.
type graphClient struct {
	http  *http.Client
	base  string // …/v1.0/
	token string
}

func (g *graphClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		if b, ok := body.([]byte); ok {
			rd = bytes.NewReader(b)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(b)
		}
	}
	u := path
	if !strings.HasPrefix(path, "https://") {
		u = g.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	if body != nil {
		if _, raw := body.([]byte); raw {
			req.Header.Set("Content-Type", "application/octet-stream")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%s %s: %w", method, path, connector.ErrNotFound)
	}
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// textLog remembers every text a person wrote or saw, for the log check.
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

// person acts in the channel through Graph.
type person struct {
	g       *graphClient
	id      string
	email   string
	team    string
	channel string
	texts   *textLog
	replyOf sync.Map // reply ID → root ID, for edits and reactions
}

func (p *person) messages() string {
	return "teams/" + url.PathEscape(p.team) + "/channels/" + url.PathEscape(p.channel) + "/messages"
}

// path is the Graph path of message id (a reply lives under its root).
func (p *person) path(id core.MessageID) string {
	if root, ok := p.replyOf.Load(id); ok {
		return p.messages() + "/" + url.PathEscape(root.(string)) + "/replies/" + url.PathEscape(string(id))
	}
	return p.messages() + "/" + url.PathEscape(string(id))
}

func htmlBody(text string) map[string]any {
	return map[string]any{"contentType": "html", "content": "<p>" + html.EscapeString(text) + "</p>"}
}

func (p *person) ID() core.UserID { return core.UserID(p.id) }
func (p *person) Email() string   { return p.email }

func (p *person) Post(ctx context.Context, text string) (core.MessageID, error) {
	p.texts.add(text)
	var m struct{ ID string }
	err := p.g.do(ctx, http.MethodPost, p.messages(), map[string]any{"body": htmlBody(text)}, &m)
	return core.MessageID(m.ID), err
}

func (p *person) Reply(ctx context.Context, root core.MessageID, text string) (core.MessageID, error) {
	p.texts.add(text)
	var m struct{ ID string }
	err := p.g.do(ctx, http.MethodPost, p.messages()+"/"+url.PathEscape(string(root))+"/replies", map[string]any{"body": htmlBody(text)}, &m)
	if err == nil {
		p.replyOf.Store(core.MessageID(m.ID), string(root))
	}
	return core.MessageID(m.ID), err
}

func (p *person) Edit(ctx context.Context, id core.MessageID, text string) error {
	p.texts.add(text)
	return p.g.do(ctx, http.MethodPatch, p.path(id), map[string]any{"body": htmlBody(text)}, nil)
}

func (p *person) Delete(ctx context.Context, id core.MessageID) error {
	return p.g.do(ctx, http.MethodPost, p.path(id)+"/softDelete", nil, nil)
}

func reactionType(emoji string) string {
	if c, ok := richtext.TeamsEmojiChar(emoji); ok {
		return c
	}
	return emoji
}

func (p *person) React(ctx context.Context, id core.MessageID, emoji string) error {
	return p.g.do(ctx, http.MethodPost, p.path(id)+"/setReaction", map[string]any{"reactionType": reactionType(emoji)}, nil)
}

func (p *person) Unreact(ctx context.Context, id core.MessageID, emoji string) error {
	return p.g.do(ctx, http.MethodPost, p.path(id)+"/unsetReaction", map[string]any{"reactionType": reactionType(emoji)}, nil)
}

// Upload puts the file in the channel's files folder and posts a message
// that references it, as the Teams client does.
func (p *person) Upload(ctx context.Context, name string, data []byte, comment string) (core.MessageID, error) {
	p.texts.add(comment)
	var folder struct {
		ID              string `json:"id"`
		ParentReference struct {
			DriveID string `json:"driveId"`
		} `json:"parentReference"`
	}
	if err := p.g.do(ctx, http.MethodGet, "teams/"+url.PathEscape(p.team)+"/channels/"+url.PathEscape(p.channel)+"/filesFolder", nil, &folder); err != nil {
		return "", err
	}
	var item struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		WebURL string `json:"webUrl"`
		ETag   string `json:"eTag"`
	}
	up := "drives/" + url.PathEscape(folder.ParentReference.DriveID) + "/items/" + url.PathEscape(folder.ID) + ":/" + url.PathEscape(name) + ":/content"
	if err := p.g.do(ctx, http.MethodPut, up, data, &item); err != nil {
		return "", err
	}
	guid := strings.Trim(strings.SplitN(strings.Trim(item.ETag, `"`), ",", 2)[0], "{}")
	body := map[string]any{
		"contentType": "html",
		"content":     "<p>" + html.EscapeString(comment) + `</p><attachment id="` + guid + `"></attachment>`,
	}
	att := []any{map[string]any{"id": guid, "contentType": "reference", "contentUrl": item.WebURL, "name": item.Name}}
	var m struct{ ID string }
	err := p.g.do(ctx, http.MethodPost, p.messages(), map[string]any{"body": body, "attachments": att}, &m)
	return core.MessageID(m.ID), err
}

// viewer reads the channel through Graph as a member sees it.
type viewer struct {
	p       *person
	uploads *uploadLog
	texts   *textLog
}

type chatMessage struct {
	ID              string  `json:"id"`
	ReplyToID       *string `json:"replyToId"`
	DeletedDateTime *string `json:"deletedDateTime"`
	From            struct {
		User *struct {
			DisplayName string `json:"displayName"`
		} `json:"user"`
		Application *struct {
			DisplayName string `json:"displayName"`
		} `json:"application"`
	} `json:"from"`
	Body struct {
		Content string `json:"content"`
	} `json:"body"`
	Attachments []struct {
		ContentType string  `json:"contentType"`
		ContentURL  *string `json:"contentUrl"`
		Content     *string `json:"content"`
	} `json:"attachments"`
	Reactions []struct {
		ReactionType string `json:"reactionType"`
	} `json:"reactions"`
}

func (v *viewer) Message(ctx context.Context, root, id core.MessageID) (conformance.Seen, error) {
	path := v.p.messages() + "/" + url.PathEscape(string(id))
	if root != "" {
		path = v.p.messages() + "/" + url.PathEscape(string(root)) + "/replies/" + url.PathEscape(string(id))
	}
	var m chatMessage
	if err := v.p.g.do(ctx, http.MethodGet, path, nil, &m); err != nil {
		return conformance.Seen{}, err
	}
	if m.DeletedDateTime != nil && *m.DeletedDateTime != "" {
		return conformance.Seen{}, fmt.Errorf("message %s deleted: %w", id, connector.ErrNotFound)
	}
	s := conformance.Seen{}
	if m.ReplyToID != nil {
		s.Thread = core.MessageID(*m.ReplyToID)
	}
	var text []string
	if body := richtext.RenderPlain(richtext.ParseTeamsHTML(m.Body.Content)); strings.TrimSpace(body) != "" {
		text = append(text, body)
	}
	if m.From.User != nil {
		s.AuthorName = m.From.User.DisplayName
	}
	for _, a := range m.Attachments {
		switch {
		case a.ContentType == "application/vnd.microsoft.card.adaptive" && a.Content != nil:
			c := readCard(*a.Content)
			if c.author != "" {
				s.AuthorName = c.author
			}
			text = append(text, c.text...)
			s.Reactions = append(s.Reactions, c.reactions...)
			for _, img := range c.images {
				b, err := dataURL(img)
				if err != nil {
					return s, err
				}
				s.Files = append(s.Files, b)
			}
		case a.ContentType == "reference" && a.ContentURL != nil:
			b, err := v.download(ctx, *a.ContentURL)
			if err != nil {
				return s, err
			}
			s.Files = append(s.Files, b)
		}
	}
	for _, r := range m.Reactions {
		s.Reactions = append(s.Reactions, richtext.TeamsEmojiName(r.ReactionType))
	}
	// Reactions the bot could not put on a person's message are in a card
	// in the message's thread.
	if m.From.User != nil && root == "" {
		var replies struct{ Value []chatMessage }
		if err := v.p.g.do(ctx, http.MethodGet, path+"/replies", nil, &replies); err != nil {
			return s, err
		}
		for _, r := range replies.Value {
			if r.From.Application == nil || (r.DeletedDateTime != nil && *r.DeletedDateTime != "") {
				continue
			}
			for _, a := range r.Attachments {
				if a.Content != nil {
					if c := readCard(*a.Content); c.author == "" {
						s.Reactions = append(s.Reactions, c.reactions...)
					}
				}
			}
		}
	}
	s.Text = strings.Join(text, "\n")
	v.texts.add(s.Text)
	return s, nil
}

func (v *viewer) download(ctx context.Context, web string) ([]byte, error) {
	u, ok := v.uploads.download(web)
	if !ok {
		return nil, fmt.Errorf("file %s was not uploaded by the connector", web)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.p.g.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: status %d", resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// seenCard is what a person reads on a card the connector posted.
type seenCard struct {
	author    string
	text      []string
	reactions []string
	images    []string
}

// readCard reads the connector's card layout: the header's bold name,
// text blocks, the subtle reaction line ("👍 2 · 🎉 1") and images.
func readCard(raw string) seenCard {
	var c seenCard
	var card struct {
		Body []json.RawMessage `json:"body"`
	}
	if json.Unmarshal([]byte(raw), &card) != nil {
		return c
	}
	for _, el := range card.Body {
		var b struct {
			Type     string `json:"type"`
			Text     string `json:"text"`
			URL      string `json:"url"`
			IsSubtle bool   `json:"isSubtle"`
			Columns  []struct {
				Items []struct {
					Type    string `json:"type"`
					Inlines []struct {
						Text   string `json:"text"`
						Weight string `json:"weight"`
					} `json:"inlines"`
				} `json:"items"`
			} `json:"columns"`
		}
		if json.Unmarshal(el, &b) != nil {
			continue
		}
		switch {
		case b.Type == "ColumnSet":
			for _, col := range b.Columns {
				for _, it := range col.Items {
					for _, in := range it.Inlines {
						if in.Weight == "Bolder" {
							c.author = in.Text
						}
					}
				}
			}
		case b.Type == "TextBlock" && b.IsSubtle:
			for _, part := range strings.Split(b.Text, " · ") {
				if emoji, _, ok := strings.Cut(part, " "); ok {
					c.reactions = append(c.reactions, richtext.TeamsEmojiName(strings.Trim(emoji, ":")))
				}
			}
		case b.Type == "TextBlock":
			c.text = append(c.text, unescapeCard(b.Text))
		case b.Type == "Image":
			c.images = append(c.images, b.URL)
		}
	}
	return c
}

// unescapeCard reads card Markdown as the person sees it.
func unescapeCard(s string) string {
	s = strings.NewReplacer(`**`, "", "\n\n", "\n").Replace(s)
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

func dataURL(u string) ([]byte, error) {
	_, data, ok := strings.Cut(u, ";base64,")
	if !ok {
		return nil, fmt.Errorf("image is not a data URL")
	}
	return base64.StdEncoding.DecodeString(data)
}

// harness builds the conformance harness for e.
func (e *env) harness(texts *textLog) conformance.Harness {
	p := &person{
		g:  &graphClient{http: e.emuSrv.Client(), base: e.emu.GraphURL(), token: e.person.Token},
		id: e.person.ID, email: e.person.Email, team: e.team.ID, channel: e.channel.ID, texts: texts,
	}
	return conformance.Harness{
		Client:  e.client,
		Channel: e.channelRef(),
		Tenant:  "tenant-conformance",
		InstallAs: func(ctx context.Context, tenant core.TenantID) (connector.Client, error) {
			return e.conn.Install(ctx, connector.Installation{Tenant: tenant, Workspace: core.WorkspaceID(e.tenant.ID)})
		},
		Person:  p,
		Viewer:  &viewer{p: p, uploads: e.uploads, texts: texts},
		Events:  e.events,
		Timeout: 10 * time.Second,
	}
}
