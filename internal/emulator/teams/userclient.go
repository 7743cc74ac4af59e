package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"parley/internal/emulator/userapi"
	"parley/internal/platform"
)

// userClient acts in the sandbox's Teams tenant through Microsoft Graph
// with the demo people's delegated tokens.
type userClient struct {
	m   SandboxManifest
	api userapi.Client
}

func newUserClient(section json.RawMessage, hc *http.Client) (platform.Client, error) {
	c := &userClient{api: userapi.Client{HTTP: hc}}
	if err := json.Unmarshal(section, &c.m); err != nil {
		return nil, fmt.Errorf("teams manifest: %w", err)
	}
	return c, nil
}

func (c *userClient) ControlURL() string { return c.m.ControlURL }

func (c *userClient) Workspaces() []platform.Workspace {
	var out []platform.Workspace
	for _, t := range c.m.Tenants {
		out = append(out, platform.Workspace{ID: t.ID, Name: t.Name, People: t.Users})
	}
	return out
}

// team finds a channel's team and name.
func (c *userClient) team(workspace, channel string) (team, name string) {
	for _, t := range c.m.Tenants {
		for _, tm := range t.Teams {
			for _, ch := range tm.Channels {
				if t.ID == workspace && ch.ID == channel {
					return tm.ID, ch.Name
				}
			}
		}
	}
	return "", ""
}

func (c *userClient) ChannelName(workspace, channel string) string {
	_, name := c.team(workspace, channel)
	return name
}

func (c *userClient) messagesURL(workspace, channel string) (string, error) {
	team, _ := c.team(workspace, channel)
	if team == "" {
		return "", fmt.Errorf("teams: no team has channel %s", channel)
	}
	return c.m.GraphURL + "teams/" + url.PathEscape(team) + "/channels/" + url.PathEscape(channel) + "/messages", nil
}

func (c *userClient) Post(ctx context.Context, as platform.Person, workspace, channel, text, thread string) (string, error) {
	u, err := c.messagesURL(workspace, channel)
	if err != nil {
		return "", err
	}
	if thread != "" {
		u += "/" + url.PathEscape(thread) + "/replies"
	}
	var out struct {
		ID string `json:"id"`
	}
	body := map[string]any{"body": map[string]string{"contentType": "html", "content": "<p>" + htmlEscape(text) + "</p>"}}
	err = c.api.JSON(ctx, as.Token, http.MethodPost, u, body, &out)
	return out.ID, err
}

type graphMessage struct {
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

// Read lists a channel's top-level messages through Graph, newest first in
// pages of at most 50 following @odata.nextLink, and each one's replies.
func (c *userClient) Read(ctx context.Context, as platform.Person, workspace, channel string) ([]platform.Message, error) {
	base, err := c.messagesURL(workspace, channel)
	if err != nil {
		return nil, err
	}
	top, err := c.list(ctx, as.Token, base+"?$top=50")
	if err != nil {
		return nil, err
	}
	var out, replies []platform.Message
	for _, m := range top {
		out = append(out, m)
		rs, err := c.list(ctx, as.Token, base+"/"+url.PathEscape(m.ID)+"/replies?$top=50")
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			r.Thread = m.ID
			replies = append(replies, r)
		}
	}
	return append(out, replies...), nil
}

// list follows @odata.nextLink and returns the messages oldest first.
func (c *userClient) list(ctx context.Context, token, next string) ([]platform.Message, error) {
	var out []platform.Message
	for next != "" {
		var page struct {
			Value []json.RawMessage `json:"value"`
			Next  string            `json:"@odata.nextLink"`
		}
		if err := c.api.JSON(ctx, token, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Value {
			var m graphMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			if m.Deleted == "" {
				out = append(out, m.message(string(raw)))
			}
		}
		next = page.Next
	}
	slices.Reverse(out)
	return out, nil
}

var cardText = regexp.MustCompile(`"text"\s*:\s*"((?:[^"\\]|\\.)*)"`)

func (m graphMessage) message(raw string) platform.Message {
	out := platform.Message{ID: m.ID, Thread: m.ReplyToID, Text: plainOf(m.Body.Content), Raw: raw}
	if m.From.User != nil {
		out.Author = m.From.User.DisplayName
	} else if m.From.Application != nil {
		out.Author, out.Bot = m.From.Application.DisplayName, true
	}
	for _, a := range m.Attachments {
		switch {
		case strings.Contains(a.ContentType, "card.adaptive"):
			// A relayed post: the card's text blocks hold the author and
			// the body.
			var texts []string
			for _, t := range cardText.FindAllStringSubmatch(a.Content, -1) {
				var s string
				if json.Unmarshal([]byte(`"`+t[1]+`"`), &s) == nil {
					texts = append(texts, s)
				}
			}
			out.Text = strings.TrimSpace(out.Text + " " + strings.Join(texts, " · "))
		case a.Name != "":
			out.Files = append(out.Files, a.Name)
		}
	}
	for _, r := range m.Reactions {
		out.Reactions = append(out.Reactions, r.ReactionType)
	}
	return out
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainOf reduces HTML to its text for display.
func plainOf(html string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ", "&amp;", "&")
	return strings.TrimSpace(r.Replace(tags.ReplaceAllString(html, "")))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
