package gchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"parley/internal/emulator/userapi"
	"parley/internal/platform"
)

// userClient acts in the sandbox's Google Chat domain through the Chat API
// with the demo people's user tokens.
type userClient struct {
	m   SandboxManifest
	api userapi.Client
}

func newUserClient(section json.RawMessage, hc *http.Client) (platform.Client, error) {
	c := &userClient{api: userapi.Client{HTTP: hc}}
	if err := json.Unmarshal(section, &c.m); err != nil {
		return nil, fmt.Errorf("gchat manifest: %w", err)
	}
	return c, nil
}

func (c *userClient) ControlURL() string { return c.m.ControlURL }

func (c *userClient) Workspaces() []platform.Workspace {
	var out []platform.Workspace
	for _, d := range c.m.Domains {
		out = append(out, platform.Workspace{ID: d.Name, Name: d.Name, People: d.Users})
	}
	return out
}

func (c *userClient) ChannelName(workspace, channel string) string {
	for _, d := range c.m.Domains {
		for _, s := range d.Spaces {
			if d.Name == workspace && s.Name == channel {
				return s.DisplayName
			}
		}
	}
	return ""
}

// messagesURL is a space's messages; api_url is the API root.
func (c *userClient) messagesURL(space string) string {
	return c.m.APIURL + "v1/" + space + "/messages"
}

func (c *userClient) Post(ctx context.Context, as platform.Person, _, channel, text, thread string) (string, error) {
	if thread != "" {
		return "", errors.New("gchat: the sandbox client posts top-level messages only")
	}
	var out struct {
		Name string `json:"name"`
	}
	err := c.api.JSON(ctx, as.Token, http.MethodPost, c.messagesURL(channel), map[string]string{"text": text}, &out)
	return out.Name, err
}

// Read lists a space's messages oldest first (Chat's default order),
// following nextPageToken. A reply names its thread's first message.
func (c *userClient) Read(ctx context.Context, as platform.Person, workspace, channel string) ([]platform.Message, error) {
	names := map[string]string{}
	for _, d := range c.m.Domains {
		for _, p := range d.Users {
			names[p.ID] = p.Name
		}
	}
	var out []platform.Message
	roots := map[string]string{} // thread name → its first message
	tok := ""
	for {
		u := c.messagesURL(channel) + "?pageSize=1000"
		if tok != "" {
			u += "&pageToken=" + url.QueryEscape(tok)
		}
		var page struct {
			Messages []json.RawMessage `json:"messages"`
			Next     string            `json:"nextPageToken"`
		}
		if err := c.api.JSON(ctx, as.Token, http.MethodGet, u, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Messages {
			var m struct {
				Name   string `json:"name"`
				Text   string `json:"text"`
				Sender struct {
					Name string `json:"name"`
					Type string `json:"type"`
				} `json:"sender"`
				Thread struct {
					Name string `json:"name"`
				} `json:"thread"`
				ThreadReply bool `json:"threadReply"`
				CardsV2     []struct {
					Card struct {
						Header struct {
							Title string `json:"title"`
						} `json:"header"`
					} `json:"card"`
				} `json:"cardsV2"`
				Attachment []struct {
					ContentName string `json:"contentName"`
				} `json:"attachment"`
				Reactions []struct {
					Emoji struct {
						Unicode string `json:"unicode"`
					} `json:"emoji"`
				} `json:"emojiReactionSummaries"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			msg := platform.Message{ID: m.Name, Text: m.Text, Author: names[m.Sender.Name], Bot: m.Sender.Type == "BOT", Raw: string(raw)}
			for _, cd := range m.CardsV2 {
				if cd.Card.Header.Title != "" {
					msg.Author = cd.Card.Header.Title
				}
			}
			for _, a := range m.Attachment {
				msg.Files = append(msg.Files, a.ContentName)
			}
			for _, r := range m.Reactions {
				msg.Reactions = append(msg.Reactions, r.Emoji.Unicode)
			}
			if root, ok := roots[m.Thread.Name]; ok && m.ThreadReply {
				msg.Thread = root
			} else if m.Thread.Name != "" {
				roots[m.Thread.Name] = m.Name
			}
			out = append(out, msg)
		}
		if page.Next == "" {
			return out, nil
		}
		tok = page.Next
	}
}
