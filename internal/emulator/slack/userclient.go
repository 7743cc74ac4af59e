package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"parley/internal/emulator/userapi"
	"parley/internal/platform"
)

// userClient acts in the sandbox's Slack workspaces through the Web API
// with the demo people's user tokens.
type userClient struct {
	m   SandboxManifest
	api userapi.Client
}

func newUserClient(section json.RawMessage, hc *http.Client) (platform.Client, error) {
	c := &userClient{api: userapi.Client{HTTP: hc}}
	if err := json.Unmarshal(section, &c.m); err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	return c, nil
}

func (c *userClient) ControlURL() string { return c.m.ControlURL }

func (c *userClient) Workspaces() []platform.Workspace {
	var out []platform.Workspace
	for _, w := range c.m.Workspaces {
		out = append(out, platform.Workspace{ID: w.ID, Name: w.Name, People: w.Users})
	}
	return out
}

func (c *userClient) ChannelName(workspace, channel string) string {
	for _, w := range c.m.Workspaces {
		for _, ch := range w.Channels {
			if w.ID == workspace && ch.ID == channel {
				return ch.Name
			}
		}
	}
	return ""
}

func (c *userClient) Post(ctx context.Context, as platform.Person, _, channel, text, thread string) (string, error) {
	args := url.Values{"channel": {channel}, "text": {text}}
	if thread != "" {
		args.Set("thread_ts", thread)
	}
	var out struct {
		TS string `json:"ts"`
	}
	err := c.call(ctx, as.Token, "chat.postMessage", args, &out)
	return out.TS, err
}

type listedMessage struct {
	TS         string `json:"ts"`
	ThreadTS   string `json:"thread_ts"`
	ReplyCount int    `json:"reply_count"`
	User       string `json:"user"`
	Username   string `json:"username"`
	BotID      string `json:"bot_id"`
	Text       string `json:"text"`
	Reactions  []struct {
		Name string `json:"name"`
	} `json:"reactions"`
	Files []struct {
		Name string `json:"name"`
	} `json:"files"`
	raw string
}

// Read lists a channel through conversations.history (newest first, top
// level only) and every thread through conversations.replies.
func (c *userClient) Read(ctx context.Context, as platform.Person, workspace, channel string) ([]platform.Message, error) {
	top, err := c.pages(ctx, as.Token, "conversations.history", url.Values{"channel": {channel}, "limit": {"999"}})
	if err != nil {
		return nil, err
	}
	slices.Reverse(top)
	names := map[string]string{}
	for _, w := range c.m.Workspaces {
		if w.ID == workspace {
			for _, p := range w.Users {
				names[p.ID] = p.Name
			}
		}
	}
	var out, replies []platform.Message
	for _, m := range top {
		msg := m.message(names)
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			msg.Thread = m.ThreadTS // a broadcast reply
		}
		out = append(out, msg)
		if m.ReplyCount == 0 {
			continue
		}
		thread, err := c.pages(ctx, as.Token, "conversations.replies", url.Values{"channel": {channel}, "ts": {m.TS}, "limit": {"1000"}})
		if err != nil {
			return nil, err
		}
		for _, r := range thread {
			if r.TS != m.TS {
				reply := r.message(names)
				reply.Thread = m.TS
				replies = append(replies, reply)
			}
		}
	}
	return append(out, replies...), nil
}

func (m listedMessage) message(names map[string]string) platform.Message {
	out := platform.Message{ID: m.TS, Text: m.Text, Author: m.Username, Bot: m.BotID != "", Raw: m.raw}
	if out.Author == "" {
		out.Author = names[m.User]
	}
	if out.Author == "" {
		out.Author = m.User
	}
	for _, r := range m.Reactions {
		out.Reactions = append(out.Reactions, r.Name)
	}
	for _, f := range m.Files {
		out.Files = append(out.Files, f.Name)
	}
	return out
}

// pages follows next_cursor and returns every message of a listing.
func (c *userClient) pages(ctx context.Context, token, method string, args url.Values) ([]listedMessage, error) {
	var all []listedMessage
	for {
		var page struct {
			Messages []json.RawMessage `json:"messages"`
			Meta     struct {
				NextCursor string `json:"next_cursor"`
			} `json:"response_metadata"`
		}
		if err := c.call(ctx, token, method, args, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Messages {
			var m listedMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			m.raw = string(raw)
			all = append(all, m)
		}
		if page.Meta.NextCursor == "" {
			return all, nil
		}
		args.Set("cursor", page.Meta.NextCursor)
	}
}

// call calls a Web API method with form arguments. Slack answers most
// errors 200 {"ok":false}; "ratelimited" also comes as 429, which the
// user API client waits out.
func (c *userClient) call(ctx context.Context, token, method string, args url.Values, out any) error {
	b, err := c.api.Do(ctx, "slack "+method, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, c.m.APIURL+method, strings.NewReader(args.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	})
	if err != nil {
		return err
	}
	var env struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("slack %s: decode: %w", method, err)
	}
	if !env.OK {
		return fmt.Errorf("slack %s: %s", method, env.Error)
	}
	return json.Unmarshal(b, out)
}
