package slack

import (
	"context"
	"fmt"
	"net/http"

	"parley/internal/connector"
	"parley/internal/connector/installs"
	"parley/internal/connector/webhook"
	"parley/internal/core"
)

// Connector is the Slack platform connector. It is safe for concurrent use.
type Connector struct {
	cfg      Config
	installs installs.Table[identity] // by team ID
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Slack connector. It does no I/O.
func New(cfg Config) *Connector {
	return &Connector{cfg: cfg.withDefaults()}
}

// Platform returns core.Slack.
func (c *Connector) Platform() core.Platform { return core.Slack }

// Handler serves Slack's Events API request URL.
func (c *Connector) Handler(sink connector.Sink) http.Handler {
	return &handler{
		Endpoint: webhook.Endpoint{Platform: core.Slack, Sink: sink, Log: c.cfg.Logger.With("platform", string(core.Slack)), MaxBody: maxBody},
		secret:   []byte(c.cfg.SigningSecret.Reveal()),
		now:      c.cfg.Now,
		lookup:   c.installs.Get,
	}
}

// Install learns the bot's identity with auth.test, so that the handler can
// recognise the workspace and drop our own posts, and returns the
// workspace's Client.
func (c *Connector) Install(ctx context.Context, in connector.Installation) (connector.Client, error) {
	if in.Token.IsZero() {
		return nil, fmt.Errorf("install slack workspace: no bot token: %w", connector.ErrAuth)
	}
	cl := newClient(c.cfg, in.Token)
	who, err := cl.authTest(ctx)
	if err != nil {
		return nil, fmt.Errorf("install slack workspace: %w", err)
	}
	if in.Workspace != "" && in.Workspace != core.WorkspaceID(who.TeamID) {
		return nil, fmt.Errorf("install slack workspace: the token belongs to another workspace; reconnect it from the right one: %w", connector.ErrPermanent)
	}
	cl.id = identity{
		tenant:    in.Tenant,
		team:      core.WorkspaceID(who.TeamID),
		botID:     who.BotID,
		appID:     who.AppID,
		botUserID: who.UserID,
		client:    cl,
	}
	if err := c.installs.Put(cl.id.team, in.Tenant, cl.id); err != nil {
		return nil, fmt.Errorf("install slack workspace: %w", err)
	}
	return cl, nil
}

// Uninstall forgets a tenant's workspace: its events are ignored from now
// on. Another tenant's install of the team is left alone.
func (c *Connector) Uninstall(tenant core.TenantID, team core.WorkspaceID) {
	c.installs.Remove(tenant, team)
}
