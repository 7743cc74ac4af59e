package teams

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"parley/internal/connector"
	"parley/internal/connector/installs"
	"parley/internal/connector/webhook"
	"parley/internal/core"
	"parley/internal/egress"
	"parley/internal/signingkeys"
)

// maxLearned bounds the maps filled from inbound activities, so a flood of
// (authentic) activities cannot grow them without end.
const maxLearned = 100_000

// Connector is the Teams platform connector. It is safe for concurrent use.
type Connector struct {
	cfg    Config
	keys   *signingkeys.Cache
	egress egress.Policy

	installs installs.Table[install] // by Teams tenant ID

	mu sync.RWMutex
	// Learned from activities: each tenant's regional serviceUrl, each
	// channel's team (thread ID) and each team's Entra group ID, which
	// Graph calls need and outbound calls cannot otherwise know.
	serviceURLs map[core.WorkspaceID]string
	channelTeam map[string]string
	teamGroup   map[string]string
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Teams connector. It does no I/O.
func New(cfg Config) *Connector {
	cfg = cfg.withDefaults()
	return &Connector{
		cfg:         cfg,
		keys:        newKeys(cfg),
		egress:      cfg.egressPolicy(),
		serviceURLs: make(map[core.WorkspaceID]string),
		channelTeam: make(map[string]string),
		teamGroup:   make(map[string]string),
	}
}

// Platform returns core.Teams.
func (c *Connector) Platform() core.Platform { return core.Teams }

// Handler serves the bot's messaging endpoint (the Azure Bot's "Messaging
// endpoint", conventionally /api/messages).
func (c *Connector) Handler(sink connector.Sink) http.Handler {
	return &handler{
		Endpoint: webhook.Endpoint{Platform: core.Teams, Sink: sink, Log: c.cfg.Logger.With("platform", string(core.Teams)), MaxBody: maxBody},
		conn:     c,
		v:        &verifier{keys: c.keys, issuer: c.cfg.Issuer, appID: c.cfg.AppID, now: c.cfg.Now},
		now:      c.cfg.Now,
	}
}

// Install makes a Teams tenant known: in.Workspace is the tenant ID. The
// app's credentials come from Config; a non-empty in.Token overrides the
// app secret for this tenant (an app registration per customer). Install
// obtains a Bot Connector token, so bad credentials fail here with ErrAuth.
func (c *Connector) Install(ctx context.Context, in connector.Installation) (connector.Client, error) {
	tenantID := strings.TrimSpace(string(in.Workspace))
	if tenantID == "" || strings.ContainsAny(tenantID, "/?#{} ") {
		return nil, fmt.Errorf("install teams tenant: %q is not a tenant ID: %w", in.Workspace, connector.ErrPermanent)
	}
	appSecret := c.cfg.AppSecret
	if !in.Token.IsZero() {
		appSecret = in.Token
	}
	if appSecret.IsZero() {
		return nil, fmt.Errorf("install teams tenant: no app secret: %w", connector.ErrAuth)
	}
	cl := newClient(c, in.Tenant, core.WorkspaceID(tenantID), appSecret)
	if _, err := cl.bot.Token.Token(ctx); err != nil {
		return nil, fmt.Errorf("install teams tenant: %w", err)
	}
	if c.cfg.TenantID != "" && !strings.EqualFold(c.cfg.TenantID, tenantID) {
		// Entra gives a single-tenant app tokens in its home tenant only
		// (AADSTS700016 elsewhere): ask now, not at the first message.
		if _, err := cl.graph.Token.Token(ctx); err != nil {
			return nil, fmt.Errorf("install teams tenant: the bot is registered for tenant %s only and Entra gives it no token in %s; "+
				"make its app registration multi-tenant (and leave TenantID empty), or install a bot registered in that tenant: %w: %w",
				c.cfg.TenantID, tenantID, connector.ErrPermanent, err)
		}
	}
	if err := c.installs.Put(core.WorkspaceID(tenantID), in.Tenant, install{tenant: in.Tenant, botID: "28:" + c.cfg.AppID}); err != nil {
		return nil, fmt.Errorf("install teams tenant: %w", err)
	}
	return cl, nil
}

// Uninstall forgets a Parley tenant's Teams tenant: its activities are
// ignored from now on. Another Parley tenant's install is left alone.
func (c *Connector) Uninstall(tenant core.TenantID, tenantID core.WorkspaceID) {
	c.installs.Remove(tenant, tenantID)
}

// learn remembers what a verified activity tells about where things are.
// A serviceUrl is remembered only when it is allowed to receive tokens.
func (c *Connector) learn(a *activity) {
	tenantID := core.WorkspaceID(a.tenant())
	ch, _ := splitConversation(a.Conversation.ID)
	c.mu.Lock()
	defer c.mu.Unlock()
	if tenantID != "" && c.cfg.allowedService(a.ServiceURL) && len(c.serviceURLs) < maxLearned {
		c.serviceURLs[tenantID] = a.ServiceURL
	}
	team := a.ChannelData.Team
	if team == nil || team.ID == "" {
		return
	}
	if a.Conversation.ConversationType == "channel" && ch != "" && len(c.channelTeam) < maxLearned {
		c.channelTeam[ch] = team.ID
	}
	if team.AADGroupID != "" && len(c.teamGroup) < maxLearned {
		c.teamGroup[team.ID] = team.AADGroupID
	}
}

// serviceURL is where the Bot Connector for a tenant is reached.
func (c *Connector) serviceURL(tenantID core.WorkspaceID) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if u, ok := c.serviceURLs[tenantID]; ok {
		return u
	}
	return c.cfg.ServiceURL
}

// groupOf returns the Entra group ID of the team a channel belongs to, if
// an activity has told us.
func (c *Connector) groupOf(channel string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	g, ok := c.teamGroup[c.channelTeam[channel]]
	return g, ok && g != ""
}

// teamOf returns the team thread ID of a channel, if known.
func (c *Connector) teamOf(channel string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.channelTeam[channel]
}

func (c *Connector) rememberGroup(channel, team, group string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.channelTeam) < maxLearned && len(c.teamGroup) < maxLearned {
		c.channelTeam[channel] = team
		c.teamGroup[team] = group
	}
}
