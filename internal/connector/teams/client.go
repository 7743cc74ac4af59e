package teams

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/directory"
	"parley/internal/connector/rest"
	"parley/internal/core"
	"parley/internal/egress"
	"parley/internal/secret"
	"parley/internal/ttlcache"
)

// Bounds of the per-client memory.
const (
	// ownTTL is how long the bot remembers the cards it posted (their
	// content, in memory only), to redraw them with a reaction footer.
	// Kept short because it is content: reactions come within hours, and
	// later ones are drawn in the thread instead (see reactions.go).
	ownTTL  = 24 * time.Hour
	ownSize = 2000
)

// Client acts in one installed Teams tenant with the app's tokens. It is
// safe for concurrent use.
type Client struct {
	conn      *Connector
	http      *http.Client
	tenant    core.TenantID
	workspace core.WorkspaceID // the Teams tenant ID
	bot       *rest.Client     // the Bot Connector
	graph     *rest.Client     // Microsoft Graph, in the customer's tenant
	limits    *limiter
	*directory.Cached

	// own remembers what the bot last showed in each message it posted,
	// and reactions the reaction state of every message reacted to; both
	// in memory only (see reactions.go).
	own       *ttlcache.Cache[msgKey, cardMessage]
	reactMu   sync.Mutex
	reactions *ttlcache.Cache[msgKey, *reactionState]
}

// Capabilities a Teams bot has (History needs Graph's protected
// ChannelMessage.Read.All; see history.go).
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

// msgKey names a message the client acted on.
type msgKey struct {
	ch core.ChannelID
	id core.MessageID
}

func newClient(c *Connector, tenant core.TenantID, tenantID core.WorkspaceID, appSecret secret.Secret) *Client {
	cfg := c.cfg
	bfAuthority := cfg.TenantID
	if bfAuthority == "" {
		bfAuthority = "botframework.com"
	}
	hc := egress.Client(cfg.HTTPClient, cfg.egressPolicy())
	cl := &Client{
		conn:      c,
		http:      hc,
		tenant:    tenant,
		workspace: tenantID,
		bot:       &rest.Client{HTTP: hc, Rules: rules(cfg.Now), Token: newTokenSource(cfg, bfAuthority, scopeConnector, appSecret)},
		graph:     &rest.Client{HTTP: hc, Rules: rules(cfg.Now), Token: newTokenSource(cfg, string(tenantID), scopeGraph, appSecret)},
		limits:    newLimiter(cfg.Now),
		own:       ttlcache.New[msgKey, cardMessage](ownTTL, ownSize, cfg.Now),
		reactions: ttlcache.New[msgKey, *reactionState](ownTTL, ownSize, cfg.Now),
	}
	cl.Cached = directory.New(cl.entraUser, cl.entraUserByEmail, directory.Options{TTL: cfg.UserCacheTTL, Size: cfg.UserCacheSize, Now: cfg.Now})
	return cl
}

// Send starts a new thread in the channel: Teams creates channel threads
// through "create conversation" with the channel in channelData.
func (c *Client) Send(ctx context.Context, ch core.ChannelID, m connector.Message) (core.MessageID, error) {
	cm := cardMessage{msg: m}
	id, err := c.startThread(ctx, ch, cm.activity())
	if err != nil {
		return "", err
	}
	c.own.Put(msgKey{ch, id}, cm)
	return id, nil
}

// SendReply posts m in the thread rooted at root.
func (c *Client) SendReply(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message) (core.MessageID, error) {
	if root == "" {
		return "", fmt.Errorf("teams reply: no thread root: %w", connector.ErrPermanent)
	}
	cm := cardMessage{msg: m}
	id, err := c.reply(ctx, ch, root, cm.activity())
	if err != nil {
		return "", err
	}
	c.own.Put(msgKey{ch, id}, cm)
	return id, nil
}

// Edit redraws a message the bot posted, keeping its reaction footer.
func (c *Client) Edit(ctx context.Context, ch core.ChannelID, id core.MessageID, m connector.Message) error {
	cm := cardMessage{msg: m}
	if prev, ok := c.own.Get(msgKey{ch, id}); ok {
		cm.image, cm.footer = prev.image, prev.footer
	}
	if err := c.update(ctx, ch, id, cm.activity()); err != nil {
		return err
	}
	c.own.Put(msgKey{ch, id}, cm)
	return nil
}

// Delete removes a message the bot posted.
func (c *Client) Delete(ctx context.Context, ch core.ChannelID, id core.MessageID) error {
	u, err := c.connectorURL("v3", "conversations", string(ch), "activities", string(id))
	if err != nil {
		return err
	}
	if err := c.limits.wait(ctx, string(ch)); err != nil {
		return err
	}
	if err := c.bot.Call(ctx, "delete activity", http.MethodDelete, u, nil, nil); err != nil {
		return err
	}
	c.own.Delete(msgKey{ch, id})
	return nil
}

// startThread posts a new root message in a channel.
func (c *Client) startThread(ctx context.Context, ch core.ChannelID, act outActivity) (core.MessageID, error) {
	u, err := c.connectorURL("v3", "conversations")
	if err != nil {
		return "", err
	}
	params := map[string]any{
		"isGroup":     true,
		"activity":    act,
		"tenantId":    string(c.workspace),
		"channelData": map[string]any{"channel": map[string]any{"id": string(ch)}, "tenant": map[string]any{"id": string(c.workspace)}},
	}
	if err := c.limits.wait(ctx, string(ch)); err != nil {
		return "", err
	}
	var r struct {
		ID         string `json:"id"`
		ActivityID string `json:"activityId"`
	}
	if err := c.bot.Call(ctx, "create conversation", http.MethodPost, u, params, &r); err != nil {
		return "", err
	}
	id := r.ActivityID
	if id == "" {
		_, id = splitConversation(r.ID)
	}
	if id == "" {
		return "", fmt.Errorf("teams create conversation: no message ID in the answer")
	}
	return core.MessageID(id), nil
}

// reply posts into a thread: the thread is a conversation of its own,
// "<channel>;messageid=<root>".
func (c *Client) reply(ctx context.Context, ch core.ChannelID, root core.MessageID, act outActivity) (core.MessageID, error) {
	u, err := c.connectorURL("v3", "conversations", string(ch)+";messageid="+string(root), "activities")
	if err != nil {
		return "", err
	}
	if err := c.limits.wait(ctx, string(ch)); err != nil {
		return "", err
	}
	var r struct {
		ID string `json:"id"`
	}
	if err := c.bot.Call(ctx, "send activity", http.MethodPost, u, act, &r); err != nil {
		return "", err
	}
	if r.ID == "" {
		return "", fmt.Errorf("teams send activity: no message ID in the answer")
	}
	return core.MessageID(r.ID), nil
}

// update replaces a message the bot posted.
func (c *Client) update(ctx context.Context, ch core.ChannelID, id core.MessageID, act outActivity) error {
	u, err := c.connectorURL("v3", "conversations", string(ch), "activities", string(id))
	if err != nil {
		return err
	}
	if err := c.limits.wait(ctx, string(ch)); err != nil {
		return err
	}
	return c.bot.Call(ctx, "update activity", http.MethodPut, u, act, nil)
}
