package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/secret"
	"parley/internal/store"
)

// credentials is what is sealed in a workspace row.
type credentials struct {
	BotToken string `json:"bot_token"`
}

func credentialsAAD(p core.Platform, ws core.WorkspaceID) []byte {
	return []byte("workspace|" + string(p) + "|" + string(ws))
}

// provision stores the configured tenants, workspaces (tokens sealed) and
// links, then installs every stored workspace into its connector.
func (g *Gateway) provision(ctx context.Context) error {
	for _, t := range g.cfg.Tenants {
		err := g.store.CreateTenant(ctx, store.Tenant{ID: t.ID, Name: t.Name, Created: time.Now()})
		if err != nil && !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("tenant %s: %w", t.ID, err)
		}
		for _, w := range t.Workspaces {
			plain, err := json.Marshal(credentials{BotToken: w.BotToken.Value.Reveal()})
			if err != nil {
				return err
			}
			sealed, err := g.vault.Seal(ctx, t.ID, plain, credentialsAAD(w.Platform, w.ID))
			if err != nil {
				return fmt.Errorf("seal credentials: %w", err)
			}
			if err := g.store.PutWorkspace(ctx, store.Workspace{Tenant: t.ID, Platform: w.Platform, ID: w.ID, Name: w.Name, Credentials: sealed, Healthy: true, Updated: time.Now(), Origin: store.OriginConfig}); err != nil {
				return fmt.Errorf("workspace %s/%s: %w", w.Platform, w.ID, err)
			}
		}
		for _, l := range t.Links {
			link := store.Link{ID: l.ID, Tenant: t.ID, Name: l.Name, Origin: store.OriginConfig}
			for _, ch := range l.Channels {
				link.Channels = append(link.Channels, ch.Ref())
			}
			if err := g.store.PutLink(ctx, link); err != nil {
				return fmt.Errorf("link %s: %w", l.ID, err)
			}
		}
	}
	if err := g.prune(ctx); err != nil {
		return err
	}
	links, err := g.store.AllLinks(ctx)
	if err != nil {
		return fmt.Errorf("load links: %w", err)
	}
	g.router.SetLinks(links)
	if err := g.loadGovernance(ctx); err != nil {
		return err
	}

	all, err := g.store.AllWorkspaces(ctx)
	if err != nil {
		return fmt.Errorf("load workspaces: %w", err)
	}
	startBy := time.Now().Add(installAtStart)
	for _, w := range all {
		if err := g.installPatiently(ctx, w, startBy); err != nil {
			// One broken workspace must not keep the others down.
			g.log.Error("workspace not installed", "platform", w.Platform, "workspace", g.vault.Pseudonym(string(w.ID)), "err", err)
			g.uninstalled = append(g.uninstalled, w)
		}
	}
	g.watchLinked(ctx)
	return nil
}

func (g *Gateway) install(ctx context.Context, w store.Workspace) error {
	conn := g.clients.connector(w.Platform)
	if conn == nil {
		return fmt.Errorf("platform %q: no connector", w.Platform)
	}
	plain, err := g.vault.Open(ctx, w.Tenant, w.Credentials, credentialsAAD(w.Platform, w.ID))
	if err != nil {
		return fmt.Errorf("open credentials: %w", err)
	}
	var c credentials
	if err := json.Unmarshal(plain, &c); err != nil {
		return fmt.Errorf("decode credentials: %w", err)
	}
	client, err := conn.Install(ctx, connector.Installation{Tenant: w.Tenant, Workspace: w.ID, Token: secret.New(c.BotToken)})
	if err != nil {
		return err
	}
	if g.WrapClient != nil {
		client = g.WrapClient(w, client)
	}
	g.clients.set(w.Tenant, w.Platform, w.ID, client, w.Name)
	return nil
}

// clients is the registry of connectors and installed workspaces, keyed by
// tenant as well as workspace: the store lets a workspace have one tenant
// only, and this registry never lets one tenant's event reach another
// tenant's client even if that ever failed.
type clients struct {
	mu         sync.RWMutex
	connectors map[core.Platform]connector.Connector
	byWS       map[wsKey]installed
}

type wsKey struct {
	t  core.TenantID
	p  core.Platform
	ws core.WorkspaceID
}

type installed struct {
	client connector.Client
	name   string
}

func newClients() *clients {
	return &clients{connectors: map[core.Platform]connector.Connector{}, byWS: map[wsKey]installed{}}
}

func (c *clients) add(conn connector.Connector) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connectors[conn.Platform()] = conn
}

func (c *clients) connector(p core.Platform) connector.Connector {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.connectors[p]
}

func (c *clients) set(t core.TenantID, p core.Platform, ws core.WorkspaceID, client connector.Client, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byWS[wsKey{t, p, ws}] = installed{client: client, name: name}
}

// Client implements router.Clients and catchup.Clients.
func (c *clients) Client(t core.TenantID, p core.Platform, ws core.WorkspaceID) (connector.Client, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	in, ok := c.byWS[wsKey{t, p, ws}]
	if !ok {
		return nil, fmt.Errorf("%s/%s: %w", p, ws, connector.ErrUnknownWorkspace)
	}
	return in.client, nil
}

func (c *clients) name(t core.TenantID, p core.Platform, ws core.WorkspaceID) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byWS[wsKey{t, p, ws}].name
}
