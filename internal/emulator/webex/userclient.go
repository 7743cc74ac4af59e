package webex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"parley/internal/emulator/userapi"
	"parley/internal/platform"
)

// userClient acts in the sandbox's Webex org through the REST API with the
// demo people's tokens.
type userClient struct {
	m   SandboxManifest
	api userapi.Client
}

func newUserClient(section json.RawMessage, hc *http.Client) (platform.Client, error) {
	c := &userClient{api: userapi.Client{HTTP: hc}}
	if err := json.Unmarshal(section, &c.m); err != nil {
		return nil, fmt.Errorf("webex manifest: %w", err)
	}
	return c, nil
}

func (c *userClient) ControlURL() string { return c.m.ControlURL }

func (c *userClient) Workspaces() []platform.Workspace {
	var out []platform.Workspace
	for _, o := range c.m.Orgs {
		out = append(out, platform.Workspace{ID: o.ID, Name: o.Name, People: o.Users})
	}
	return out
}

func (c *userClient) ChannelName(workspace, channel string) string {
	for _, o := range c.m.Orgs {
		for _, r := range o.Rooms {
			if o.ID == workspace && r.ID == channel {
				return r.Title
			}
		}
	}
	return ""
}

func (c *userClient) Post(ctx context.Context, as platform.Person, _, channel, text, thread string) (string, error) {
	body := map[string]string{"roomId": channel, "text": text}
	if thread != "" {
		body["parentId"] = thread
	}
	var out struct {
		ID string `json:"id"`
	}
	err := c.api.JSON(ctx, as.Token, http.MethodPost, c.m.APIURL+"messages", body, &out)
	return out.ID, err
}

// Read lists a room's messages, newest first in pages of up to 1000,
// walking back with beforeMessage, and returns them oldest first.
func (c *userClient) Read(ctx context.Context, as platform.Person, workspace, channel string) ([]platform.Message, error) {
	names := map[string]string{}
	for _, o := range c.m.Orgs {
		for _, p := range o.Users {
			names[p.Email] = p.Name
		}
	}
	var out []platform.Message
	before := ""
	for {
		u := c.m.APIURL + "messages?max=1000&roomId=" + url.QueryEscape(channel)
		if before != "" {
			u += "&beforeMessage=" + url.QueryEscape(before)
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := c.api.JSON(ctx, as.Token, http.MethodGet, u, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Items {
			var m struct {
				ID          string   `json:"id"`
				ParentID    string   `json:"parentId"`
				Text        string   `json:"text"`
				PersonEmail string   `json:"personEmail"`
				Files       []string `json:"files"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			msg := platform.Message{ID: m.ID, Thread: m.ParentID, Text: m.Text, Author: names[m.PersonEmail], Raw: string(raw)}
			if msg.Author == "" {
				msg.Author, msg.Bot = "Parley", true // the service account Parley posts as
			}
			for range m.Files {
				msg.Files = append(msg.Files, "file")
			}
			out = append(out, msg)
		}
		if len(page.Items) < 1000 {
			slices.Reverse(out)
			return out, nil
		}
		before = out[len(out)-1].ID
	}
}
