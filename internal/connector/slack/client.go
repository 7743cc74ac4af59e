package slack

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/connector/directory"
	"parley/internal/connector/rest"
	"parley/internal/core"
	"parley/internal/egress"
	"parley/internal/richtext"
	"parley/internal/secret"
)

// Client acts in one installed workspace with its bot token. It is safe for
// concurrent use.
type Client struct {
	api       *slack.Client
	web       *rest.Client // Web API calls slack-go does not make, to the configured API URL
	files     *http.Client // file downloads and uploads, through the egress guard
	token     secret.Secret
	apiURL    string
	fileHosts []string
	*directory.Cached
	id   identity
	pace pacer
}

// Capabilities Slack allows a bot.
var (
	_ connector.Client       = (*Client)(nil)
	_ connector.ThreadSender = (*Client)(nil)
	_ connector.Editor       = (*Client)(nil)
	_ connector.Deleter      = (*Client)(nil)
	_ connector.Reactor      = (*Client)(nil)
	_ connector.FileSender   = (*Client)(nil)
	_ connector.FileFetcher  = (*Client)(nil)
	_ connector.Directory    = (*Client)(nil)
	_ connector.History      = (*Client)(nil)
)

func newClient(cfg Config, token secret.Secret) *Client {
	c := &Client{
		api: slack.New(token.Reveal(),
			slack.OptionAPIURL(cfg.APIURL),
			slack.OptionHTTPClient(cfg.HTTPClient),
			// slack-go's own logger writes to stderr; its debug output
			// could include payloads, so it goes nowhere.
			slack.OptionLog(log.New(io.Discard, "", 0)),
		),
		web:       &rest.Client{HTTP: cfg.HTTPClient, Rules: rules(cfg.Now), Token: rest.Static(token)},
		files:     egress.Client(cfg.HTTPClient, cfg.egressPolicy()),
		token:     token,
		apiURL:    cfg.APIURL,
		fileHosts: cfg.FileHosts,
	}
	c.Cached = directory.New(c.usersInfo, c.usersLookupByEmail, directory.Options{TTL: cfg.UserCacheTTL, Size: cfg.UserCacheSize, Now: cfg.Now})
	return c
}

// authTestResult is auth.test's answer; slack-go's type lacks app_id.
type authTestResult struct {
	apiResult
	TeamID string `json:"team_id"`
	UserID string `json:"user_id"`
	BotID  string `json:"bot_id"`
	AppID  string `json:"app_id"`
}

func (c *Client) authTest(ctx context.Context) (authTestResult, error) {
	var r authTestResult
	if err := c.call(ctx, "auth.test", url.Values{}, &r); err != nil {
		return r, err
	}
	if r.TeamID == "" || r.BotID == "" {
		return r, fmt.Errorf("slack auth.test: not a bot token: %w", connector.ErrAuth)
	}
	return r, nil
}

// Send posts m as a new top-level message under the author's name.
func (c *Client) Send(ctx context.Context, ch core.ChannelID, m connector.Message) (core.MessageID, error) {
	return c.post(ctx, ch, "", m)
}

// SendReply posts m in the thread rooted at root.
func (c *Client) SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	if root == "" {
		return "", fmt.Errorf("slack reply: no thread root: %w", connector.ErrPermanent)
	}
	return c.post(ctx, ch, root, m)
}

func (c *Client) post(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	opts := []slack.MsgOption{
		// RenderMrkdwn already escapes &, < and >.
		slack.MsgOptionText(richtext.RenderMrkdwn(m.Body), false),
		// A relayed link must not make Slack fetch it: the preview would
		// disclose that someone on another platform shared it.
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if name := strings.TrimSpace(m.Author.Name); name != "" {
		opts = append(opts, slack.MsgOptionUsername(name))
	}
	if strings.HasPrefix(m.Author.Avatar, "https://") {
		opts = append(opts, slack.MsgOptionIconURL(m.Author.Avatar))
	}
	if root != "" {
		opts = append(opts, slack.MsgOptionTS(string(root)))
	}
	if m.Key != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: relayEventType, EventPayload: map[string]any{"key": m.Key}}))
	}
	if err := c.pace.wait(ctx, ch); err != nil {
		return "", err
	}
	_, ts, err := c.api.PostMessageContext(ctx, string(ch), opts...)
	if err != nil {
		return "", mapError("chat.postMessage", err)
	}
	return core.MessageID(ts), nil
}

// Edit replaces the text of a message the app posted.
func (c *Client) Edit(ctx context.Context, ch core.ChannelID, id core.MessageID, m connector.Message) error {
	_, _, _, err := c.api.UpdateMessageContext(ctx, string(ch), string(id),
		slack.MsgOptionText(richtext.RenderMrkdwn(m.Body), false))
	return mapError("chat.update", err)
}

// Delete removes a message the app posted.
func (c *Client) Delete(ctx context.Context, ch core.ChannelID, id core.MessageID) error {
	_, _, err := c.api.DeleteMessageContext(ctx, string(ch), string(id))
	return mapError("chat.delete", err)
}
