package gchat

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"parley/internal/connector"
	"parley/internal/connector/webhook"
	"parley/internal/core"
)

// Connector is the Google Chat platform connector. It is safe for
// concurrent use.
type Connector struct {
	cfg    Config
	verify *verifier
	subs   *subscriptions

	mu      sync.RWMutex
	domains map[core.WorkspaceID]*Client
	spaces  map[string]*Client // watched space → the client of its domain
	// events is the sink Handler was given, where caught-up gaps go.
	events connector.Sink
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Google Chat connector. It does no I/O.
func New(cfg Config) *Connector {
	cfg = cfg.withDefaults()
	chatKeys, oidcKeys := newKeys(cfg)
	c := &Connector{
		cfg: cfg,
		verify: &verifier{
			chatKeys:      chatKeys,
			oidcKeys:      oidcKeys,
			chatIssuer:    cfg.ChatIssuer,
			projectNumber: cfg.ProjectNumber,
			pushAudience:  cfg.PushAudience,
			pushAccount:   cfg.PushServiceAccount,
			now:           cfg.Now,
		},
		domains: make(map[core.WorkspaceID]*Client),
		spaces:  make(map[string]*Client),
	}
	c.subs = newSubscriptions(c)
	return c
}

// Platform returns core.GChat.
func (c *Connector) Platform() core.Platform { return core.GChat }

// Handler serves Google's deliveries: POST /events (interaction events)
// and POST /pubsub (Pub/Sub push of Workspace Events). Mount it with
// http.StripPrefix.
func (c *Connector) Handler(sink connector.Sink) http.Handler {
	c.mu.Lock()
	c.events = sink
	c.mu.Unlock()
	h := &handler{
		Endpoint: webhook.Endpoint{Platform: core.GChat, Sink: sink, Log: c.cfg.Logger.With("platform", string(core.GChat)), MaxBody: maxBody},
		verify:   c.verify,
		lookup:   c.clientForSpace,
		subs:     c.subs,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/events", h.interaction)
	mux.HandleFunc("/pubsub", h.push)
	return mux
}

// Install makes a Google Workspace domain known and returns its Client.
// in.Workspace is the domain ("acme.example"). in.Token, when set, is the
// OAuth access token of the domain's relay user (scopes chat.messages,
// chat.messages.reactions), which reactions and uploads need; the Client
// is then a *RelayClient. The app itself authenticates with the
// configured service-account key. Install does no I/O: spaces are watched
// with Client.Watch, or on first use.
func (c *Connector) Install(ctx context.Context, in connector.Installation) (connector.Client, error) {
	if in.Workspace == "" {
		return nil, fmt.Errorf("install gchat domain: no domain: %w", connector.ErrPermanent)
	}
	cl, err := newClient(ctx, c, in)
	if err != nil {
		return nil, fmt.Errorf("install gchat domain: %w", err)
	}
	c.mu.Lock()
	// Events name a space, and a space is bound to one domain's client:
	// a domain has one tenant.
	if prev, ok := c.domains[in.Workspace]; ok && prev.id.tenant != in.Tenant {
		c.mu.Unlock()
		return nil, fmt.Errorf("install gchat domain: %w", connector.ErrOtherTenant)
	}
	c.domains[in.Workspace] = cl
	for space, old := range c.spaces {
		if old.id.domain == in.Workspace {
			c.spaces[space] = cl
		}
	}
	c.mu.Unlock()
	if !in.Token.IsZero() {
		return &RelayClient{Client: cl}, nil
	}
	return cl, nil
}

// Uninstall forgets a tenant's domain: events of its spaces are ignored
// from now on. Another tenant's install of the domain is left alone.
func (c *Connector) Uninstall(tenant core.TenantID, domain core.WorkspaceID) {
	c.subs.forget(tenant, domain)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.domains[domain]; cl == nil || cl.id.tenant != tenant {
		return
	}
	delete(c.domains, domain)
	for space, cl := range c.spaces {
		if cl.id.domain == domain {
			delete(c.spaces, space)
		}
	}
}

// bindSpace routes the events of space to cl. Space names are global
// (one space can hold people of several domains), so a space already
// bound to another tenant's client is refused: its events would otherwise
// go to whichever tenant watched it last.
func (c *Connector) bindSpace(space string, cl *Client) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.spaces[space]; ok && prev.id.tenant != cl.id.tenant {
		return fmt.Errorf("gchat watch: the space is already linked by another tenant: %w", connector.ErrOtherTenant)
	}
	c.spaces[space] = cl
	return nil
}

// sink is the sink Handler was given, nil before.
func (c *Connector) sink() connector.Sink {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.events
}

func (c *Connector) clientForSpace(space string) (*Client, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	cl, ok := c.spaces[space]
	return cl, ok
}
