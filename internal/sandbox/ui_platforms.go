package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
)

// bearer adds a person's token to every request, as their client would.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// column is one linked channel on the page: who may post there and how
// to read and write it as them, through the platform's user-facing API.
type column struct {
	platform, workspace, wsName, channel, name string
	people                                     []Person
	read                                       func(ctx context.Context) ([]uiMessage, error)
	post                                       func(ctx context.Context, p Person, text string) error
}

// columns builds a column for every channel of every link.
func (u *ui) columns() []column {
	var out []column
	for _, l := range u.m.Links {
		for _, c := range l.Channels {
			if col, ok := u.column(c); ok {
				out = append(out, col)
			}
		}
	}
	return out
}

func (u *ui) column(c ManifestChannel) (column, bool) {
	col := column{platform: c.Platform, workspace: c.Workspace, channel: c.Channel}
	pl := u.m.Platforms
	switch c.Platform {
	case "slack":
		ws := u.workspace(c.Workspace)
		if ws == nil {
			return col, false
		}
		col.wsName, col.people = ws.Name, ws.Users
		for _, ch := range ws.Channels {
			if ch.ID == c.Channel {
				col.name = ch.Name
			}
		}
		col.read = func(ctx context.Context) ([]uiMessage, error) { return u.readSlack(ctx, ws, c.Channel) }
		col.post = func(ctx context.Context, p Person, text string) error { return u.postSlack(ctx, p, c.Channel, text) }
	case "teams":
		if pl.Teams == nil || len(pl.Teams.Tenants) == 0 {
			return col, false
		}
		ten := pl.Teams.Tenants[0]
		col.wsName, col.people = ten.Name, ten.Users
		for _, t := range ten.Teams {
			for _, ch := range t.Channels {
				if ch.ID == c.Channel {
					col.name = ch.Name
					path := "teams/" + url.PathEscape(t.ID) + "/channels/" + url.PathEscape(ch.ID) + "/messages"
					col.read = func(ctx context.Context) ([]uiMessage, error) { return u.readTeams(ctx, ten.Users[0], path) }
					col.post = func(ctx context.Context, p Person, text string) error {
						return u.rest(ctx, p.Token, http.MethodPost, pl.Teams.GraphURL+path,
							map[string]any{"body": map[string]string{"contentType": "html", "content": htmlEscape(text)}}, nil)
					}
				}
			}
		}
	case "gchat":
		if pl.GChat == nil || len(pl.GChat.Domains) == 0 {
			return col, false
		}
		d := pl.GChat.Domains[0]
		col.wsName, col.people, col.name = d.Name, d.Users, "Partners"
		col.read = func(ctx context.Context) ([]uiMessage, error) { return u.readGChat(ctx, d, c.Channel) }
		col.post = func(ctx context.Context, p Person, text string) error {
			svc, err := u.gchatAs(ctx, p)
			if err == nil {
				_, err = svc.Spaces.Messages.Create(c.Channel, &chat.Message{Text: text}).Context(ctx).Do()
			}
			return err
		}
	case "webex":
		if pl.Webex == nil || len(pl.Webex.Orgs) == 0 {
			return col, false
		}
		o := pl.Webex.Orgs[0]
		col.wsName, col.people = o.Name, o.Users
		for _, r := range o.Rooms {
			if r.ID == c.Channel {
				col.name = r.Title
			}
		}
		col.read = func(ctx context.Context) ([]uiMessage, error) { return u.readWebex(ctx, o, c.Channel) }
		col.post = func(ctx context.Context, p Person, text string) error {
			return u.rest(ctx, p.Token, http.MethodPost, pl.Webex.APIURL+"messages", map[string]string{"roomId": c.Channel, "markdown": text}, nil)
		}
	default:
		return col, false
	}
	return col, col.read != nil
}

// rest makes one JSON call with a person's bearer token.
func (u *ui) rest(ctx context.Context, token, method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := u.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainOf reduces HTML to its text for display (the page escapes it).
func plainOf(html string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ", "&amp;", "&")
	return strings.TrimSpace(r.Replace(tags.ReplaceAllString(html, "")))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (u *ui) readTeams(ctx context.Context, reader Person, path string) ([]uiMessage, error) {
	type graphMsg struct {
		ID        string `json:"id"`
		ReplyToID string `json:"replyToId"`
		Deleted   string `json:"deletedDateTime"`
		From      struct {
			User        *struct{ DisplayName string } `json:"user"`
			Application *struct{ DisplayName string } `json:"application"`
		} `json:"from"`
		Body        struct{ Content string } `json:"body"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     string `json:"content"`
			Name        string `json:"name"`
		} `json:"attachments"`
		Reactions []struct {
			ReactionType string `json:"reactionType"`
		} `json:"reactions"`
	}
	var list struct {
		Value []graphMsg `json:"value"`
	}
	if err := u.rest(ctx, reader.Token, http.MethodGet, u.m.Platforms.Teams.GraphURL+path+"?$top=20&$expand=replies", nil, &list); err != nil {
		return nil, err
	}
	conv := func(m graphMsg) uiMessage {
		um := uiMessage{TS: m.ID, Text: plainOf(m.Body.Content)}
		if m.From.User != nil {
			um.Author = m.From.User.DisplayName
		} else if m.From.Application != nil {
			um.Author, um.Bot = m.From.Application.DisplayName, true
		}
		for _, a := range m.Attachments {
			switch {
			case strings.Contains(a.ContentType, "card.adaptive"):
				// A relayed post: the card's text blocks hold the author
				// and the body.
				var texts []string
				for _, t := range regexp.MustCompile(`"text"\s*:\s*"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(a.Content, -1) {
					var s string
					if json.Unmarshal([]byte(`"`+t[1]+`"`), &s) == nil {
						texts = append(texts, s)
					}
				}
				um.Text = strings.TrimSpace(um.Text + " " + strings.Join(texts, " · "))
			case a.Name != "":
				um.Files = append(um.Files, a.Name)
			}
		}
		for _, r := range m.Reactions {
			um.Reactions = append(um.Reactions, r.ReactionType)
		}
		return um
	}
	var out []uiMessage
	for i := len(list.Value) - 1; i >= 0; i-- {
		if m := list.Value[i]; m.Deleted == "" {
			um := conv(m)
			var replies struct {
				Value []graphMsg `json:"value"`
			}
			if err := u.rest(ctx, reader.Token, http.MethodGet, u.m.Platforms.Teams.GraphURL+path+"/"+url.PathEscape(m.ID)+"/replies", nil, &replies); err == nil {
				for j := len(replies.Value) - 1; j >= 0; j-- {
					if replies.Value[j].Deleted == "" {
						um.Replies = append(um.Replies, conv(replies.Value[j]))
					}
				}
			}
			out = append(out, um)
		}
	}
	return out, nil
}

func (u *ui) gchatAs(ctx context.Context, p Person) (*chat.Service, error) {
	return chat.NewService(ctx, option.WithEndpoint(u.m.Platforms.GChat.APIURL),
		option.WithHTTPClient(&http.Client{Transport: bearer{p.Token, u.client.Transport}}))
}

func (u *ui) readGChat(ctx context.Context, d GChatDomain, space string) ([]uiMessage, error) {
	svc, err := u.gchatAs(ctx, d.Users[0])
	if err != nil {
		return nil, err
	}
	res, err := svc.Spaces.Messages.List(space).PageSize(50).OrderBy("createTime desc").Context(ctx).Do()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, p := range d.Users {
		names[p.ID] = p.Name
	}
	byThread := map[string]int{}
	var out []uiMessage
	for i := len(res.Messages) - 1; i >= 0; i-- {
		m := res.Messages[i]
		um := uiMessage{TS: m.Name, Text: m.Text}
		if m.Sender != nil {
			um.Author, um.Bot = names[m.Sender.Name], m.Sender.Type == "BOT"
		}
		for _, c := range m.CardsV2 {
			if c.Card != nil && c.Card.Header != nil {
				um.Author = c.Card.Header.Title
			}
		}
		for _, a := range m.Attachment {
			um.Files = append(um.Files, a.ContentName)
		}
		for _, r := range m.EmojiReactionSummaries {
			if r.Emoji != nil {
				um.Reactions = append(um.Reactions, r.Emoji.Unicode)
			}
		}
		if m.Thread != nil && m.ThreadReply {
			if at, ok := byThread[m.Thread.Name]; ok {
				out[at].Replies = append(out[at].Replies, um)
				continue
			}
		}
		if m.Thread != nil {
			byThread[m.Thread.Name] = len(out)
		}
		out = append(out, um)
	}
	return out, nil
}

func (u *ui) readWebex(ctx context.Context, o WebexOrg, room string) ([]uiMessage, error) {
	var list struct {
		Items []struct {
			ID          string   `json:"id"`
			ParentID    string   `json:"parentId"`
			Text        string   `json:"text"`
			Markdown    string   `json:"markdown"`
			PersonEmail string   `json:"personEmail"`
			Files       []string `json:"files"`
		} `json:"items"`
	}
	if err := u.rest(ctx, o.Users[0].Token, http.MethodGet, u.m.Platforms.Webex.APIURL+"messages?max=50&roomId="+url.QueryEscape(room), nil, &list); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, p := range o.Users {
		names[p.Email] = p.Name
	}
	byID := map[string]int{}
	var out []uiMessage
	for i := len(list.Items) - 1; i >= 0; i-- {
		m := list.Items[i]
		um := uiMessage{TS: m.ID, Text: m.Text, Author: names[m.PersonEmail]}
		if um.Author == "" {
			um.Author, um.Bot = "Parley", true // the service account Parley posts as
		}
		for range m.Files {
			um.Files = append(um.Files, "file")
		}
		if at, ok := byID[m.ParentID]; ok && m.ParentID != "" {
			out[at].Replies = append(out[at].Replies, um)
			continue
		}
		byID[m.ID] = len(out)
		out = append(out, um)
	}
	return out, nil
}
