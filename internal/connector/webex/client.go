package webex

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"parley/internal/connector"
	"parley/internal/connector/directory"
	"parley/internal/core"
	"parley/internal/richtext"
	"parley/internal/secret"
)

// maxText is Webex's limit for markdown, in bytes.
const maxText = 7439

// Client acts in one installed org with its token. It is safe for
// concurrent use.
type Client struct {
	*directory.Cached
	api    *api
	token  secret.Secret
	files  *http.Client // file downloads, through the egress guard
	tenant core.TenantID
	org    core.WorkspaceID
	self   string // the person ID the token acts as
	bot    bool
}

// Capabilities Webex allows. Reactions have no public API.
var (
	_ connector.Client       = (*Client)(nil)
	_ connector.ThreadSender = (*Client)(nil)
	_ connector.Editor       = (*Client)(nil)
	_ connector.Deleter      = (*Client)(nil)
	_ connector.FileSender   = (*Client)(nil)
	_ connector.FileFetcher  = (*Client)(nil)
	_ connector.Directory    = (*Client)(nil)
	_ connector.History      = (*Client)(nil)
)

// person is /v1/people's shape, as far as Parley reads it.
type person struct {
	ID          string   `json:"id"`
	Emails      []string `json:"emails"`
	DisplayName string   `json:"displayName"`
	Avatar      string   `json:"avatar"`
	OrgID       string   `json:"orgId"`
	Type        string   `json:"type"`
}

func (c *Client) me(ctx context.Context) (person, error) {
	var p person
	if err := c.api.call(ctx, "people/me", http.MethodGet, "people/me", nil, &p); err != nil {
		return p, err
	}
	if p.ID == "" || p.OrgID == "" {
		return p, fmt.Errorf("webex people/me: no identity in answer: %w", connector.ErrAuth)
	}
	return p, nil
}

// message is /v1/messages' shape.
type message struct {
	ID              string   `json:"id"`
	ParentID        string   `json:"parentId"`
	RoomID          string   `json:"roomId"`
	RoomType        string   `json:"roomType"`
	Text            string   `json:"text"`
	Markdown        string   `json:"markdown"`
	Files           []string `json:"files"`
	PersonID        string   `json:"personId"`
	PersonEmail     string   `json:"personEmail"`
	MentionedPeople []string `json:"mentionedPeople"`
	Created         string   `json:"created"`
	Updated         string   `json:"updated"`
}

// body renders what Parley posts: the author in bold, then the text.
// Webex cannot post under another name with one token.
func body(m connector.Message) (string, error) {
	text := richtext.RenderWebexMarkdown(m.Body)
	if name := strings.TrimSpace(m.Author.Name); name != "" {
		text = richtext.RenderWebexMarkdown(richtext.Doc{Nodes: []richtext.Node{
			{Kind: richtext.Bold, Children: []richtext.Node{{Kind: richtext.Text, Text: name}}},
			{Kind: richtext.Text, Text: ": "},
		}}) + text
	}
	if len(text) > maxText {
		return "", fmt.Errorf("webex message: %d bytes, over the %d-byte limit: %w", len(text), maxText, connector.ErrPermanent)
	}
	return text, nil
}

// Send posts m as a new top-level message.
func (c *Client) Send(ctx context.Context, ch core.ChannelID, m connector.Message) (core.MessageID, error) {
	return c.post(ctx, ch, "", m)
}

// SendReply posts m in the thread rooted at root.
func (c *Client) SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	if root == "" {
		return "", fmt.Errorf("webex reply: no thread root: %w", connector.ErrPermanent)
	}
	return c.post(ctx, ch, root, m)
}

func (c *Client) post(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	text, err := body(m)
	if err != nil {
		return "", err
	}
	req := map[string]string{"roomId": string(ch), "markdown": text}
	if root != "" {
		req["parentId"] = string(root)
	}
	var out message
	if err := c.api.call(ctx, "messages create", http.MethodPost, "messages", req, &out); err != nil {
		return "", err
	}
	return core.MessageID(out.ID), nil
}

// Edit replaces the text of a message the token's account posted.
func (c *Client) Edit(ctx context.Context, ch core.ChannelID, id core.MessageID, m connector.Message) error {
	text, err := body(m)
	if err != nil {
		return err
	}
	return c.api.call(ctx, "messages edit", http.MethodPut, "messages/"+string(id),
		map[string]string{"roomId": string(ch), "markdown": text}, nil)
}

// Delete removes a message the token's account posted.
func (c *Client) Delete(ctx context.Context, _ core.ChannelID, id core.MessageID) error {
	return c.api.call(ctx, "messages delete", http.MethodDelete, "messages/"+string(id), nil, nil)
}
