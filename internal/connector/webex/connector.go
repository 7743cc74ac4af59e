package webex

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"parley/internal/connector"
	"parley/internal/connector/directory"
	"parley/internal/connector/installs"
	"parley/internal/connector/rest"
	"parley/internal/connector/webhook"
	"parley/internal/core"
	"parley/internal/egress"
)

// Connector is the Webex platform connector. It is safe for concurrent use.
type Connector struct {
	cfg      Config
	installs installs.Table[*Client] // by org ID
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Webex connector. It does no I/O.
func New(cfg Config) *Connector {
	return &Connector{cfg: cfg.withDefaults()}
}

// Platform returns core.Webex.
func (c *Connector) Platform() core.Platform { return core.Webex }

// Handler serves the webhook target URL (Config.PublicURL).
func (c *Connector) Handler(sink connector.Sink) http.Handler {
	return &handler{
		Endpoint: webhook.Endpoint{Platform: core.Webex, Sink: sink, Log: c.cfg.Logger.With("platform", string(core.Webex)), MaxBody: maxBody},
		secret:   []byte(c.cfg.WebhookSecret.Reveal()),
		timeout:  c.cfg.FetchTimeout,
		now:      c.cfg.Now,
		lookup:   c.installs.Get,
	}
}

// Install learns who the token acts as (GET /v1/people/me), checks that it
// belongs to the org, registers or repairs the messages webhooks when
// Config.PublicURL is set, and returns the org's Client. Installation.Token
// is an integration (user) token of Parley's service account, or a bot
// token (which sees only mentions in group rooms).
func (c *Connector) Install(ctx context.Context, in connector.Installation) (connector.Client, error) {
	if in.Token.IsZero() {
		return nil, fmt.Errorf("install webex org: no token: %w", connector.ErrAuth)
	}
	base, err := url.Parse(c.cfg.APIURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("install webex org: api url: %w", connector.ErrPermanent)
	}
	cl := &Client{
		api:   &api{Client: &rest.Client{HTTP: c.cfg.HTTPClient, Rules: rules(c.cfg.Now), Token: rest.Static(in.Token)}, base: base},
		token: in.Token,
		files: egress.Client(c.cfg.HTTPClient, c.cfg.egressPolicy()),
	}
	cl.Cached = directory.New(cl.person, cl.personByEmail, directory.Options{TTL: c.cfg.UserCacheTTL, Size: c.cfg.UserCacheSize, Now: c.cfg.Now})
	me, err := cl.me(ctx)
	if err != nil {
		return nil, fmt.Errorf("install webex org: %w", err)
	}
	if in.Workspace != "" && core.WorkspaceID(me.OrgID) != in.Workspace {
		return nil, fmt.Errorf("install webex org: the token belongs to another org; reconnect with an account of the right one: %w", connector.ErrPermanent)
	}
	cl.tenant, cl.org, cl.self, cl.bot = in.Tenant, core.WorkspaceID(me.OrgID), me.ID, me.Type == "bot"
	if err := c.installs.Check(cl.org, cl.tenant); err != nil {
		return nil, fmt.Errorf("install webex org: %w", err) // before touching the org's webhooks
	}
	if c.cfg.PublicURL != "" {
		if err := cl.ensureWebhooks(ctx, c.cfg.PublicURL, c.cfg.WebhookSecret); err != nil {
			return nil, fmt.Errorf("install webex org: %w", err)
		}
	}
	if err := c.installs.Put(cl.org, cl.tenant, cl); err != nil {
		return nil, fmt.Errorf("install webex org: %w", err)
	}
	return cl, nil
}

// Uninstall forgets a tenant's org: its deliveries are ignored from now
// on. Another tenant's install of the org is left alone.
func (c *Connector) Uninstall(tenant core.TenantID, org core.WorkspaceID) {
	c.installs.Remove(tenant, org)
}
