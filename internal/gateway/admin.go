package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"parley/internal/admin"
	"parley/internal/core"
	"parley/internal/store"
)

// The admin plane changes the store and announces it on the bus; every
// node (this one included) then reloads from the store. A node that
// missed an announcement (a bus hiccup) catches up at the next periodic
// reload.
const (
	configTopic    = "config"
	reloadInterval = time.Minute
)

// startAdmin builds the admin API and makes the store's roles match the
// config file.
func (g *Gateway) startAdmin(ctx context.Context, hc *http.Client) error {
	var providers []admin.Provider
	for _, p := range g.cfg.Admin.SignIn {
		providers = append(providers, admin.Provider{Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret.Value, TrustEmailClaim: p.TrustEmailClaim})
	}
	g.adminAPI = admin.New(admin.Options{
		Store: g.store, Vault: g.vault, BootstrapToken: g.cfg.Admin.Token.Value, URL: g.cfg.Admin.URL,
		Providers: providers, HTTPClient: hc,
		SessionTTL: g.cfg.Admin.SessionTTL, TokenTTL: g.cfg.Admin.TokenTTL, AuditRetention: g.cfg.Admin.AuditRetention,
		Notify: g.announce, Status: g.statusCounts, Logger: g.log.With("component", "admin"),
		Rejected: func(r *http.Request) { g.rejected("admin token", r) },
	})
	if err := g.adminAPI.ApplyRoles(ctx, g.cfg); err != nil {
		return fmt.Errorf("admin roles: %w", err)
	}
	return nil
}

// announce makes a change live on this node before the API answers, then
// tells every other node.
func (g *Gateway) announce(ctx context.Context, c admin.Change) error {
	if err := g.reload(ctx); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return g.bus.Announce(configTopic, b)
}

// followConfig reloads links and workspaces on every announcement and
// once a minute, until ctx ends.
func (g *Gateway) followConfig(ctx context.Context) {
	kick := make(chan struct{}, 1)
	stop, err := g.bus.Listen(configTopic, func([]byte) {
		// The message only says that something changed; the store says
		// what. Coalesce bursts.
		select {
		case kick <- struct{}{}:
		default:
		}
	})
	if err != nil {
		g.log.Error("not listening for config changes; reloading every minute only", "err", err)
	} else {
		defer stop()
	}
	t := time.NewTicker(reloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-t.C:
		}
		if err := g.reload(ctx); err != nil && ctx.Err() == nil {
			g.log.Warn("config reload failed; retrying at the next change or within a minute", "err", err)
		}
	}
}

// reload makes this node relay as the store says: the links' room map,
// watches on newly linked channels whose platform needs them (watcher),
// and no client for a workspace that was disconnected.
func (g *Gateway) reload(ctx context.Context) error {
	links, err := g.store.AllLinks(ctx)
	if err != nil {
		return err
	}
	ws, err := g.store.AllWorkspaces(ctx)
	if err != nil {
		return err
	}
	keep := map[wsKey]bool{}
	for _, w := range ws {
		keep[wsKey{w.Tenant, w.Platform, w.ID}] = true
	}
	g.clients.retain(keep)
	g.router.SetLinks(links)
	if err := g.loadGovernance(ctx); err != nil {
		return err
	}
	g.watchLinked(ctx)
	return nil
}

// retain forgets installed clients whose workspace is gone.
func (c *clients) retain(keep map[wsKey]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.byWS {
		if !keep[k] {
			delete(c.byWS, k)
		}
	}
}

// prune removes what the config file made and no longer lists: its links
// and workspaces. What the admin API made is never touched.
func (g *Gateway) prune(ctx context.Context) error {
	links := map[core.TenantID]map[core.LinkID]bool{}
	workspaces := map[wsKey]bool{}
	for _, t := range g.cfg.Tenants {
		links[t.ID] = map[core.LinkID]bool{}
		for _, l := range t.Links {
			links[t.ID][l.ID] = true
		}
		for _, w := range t.Workspaces {
			workspaces[wsKey{t.ID, w.Platform, w.ID}] = true
		}
	}
	all, err := g.store.AllLinks(ctx)
	if err != nil {
		return err
	}
	for _, l := range all {
		if l.Origin == store.OriginConfig && !links[l.Tenant][l.ID] {
			if err := g.store.DeleteLink(ctx, l.Tenant, l.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("remove link %s: %w", l.ID, err)
			}
			g.log.Info("link removed: no longer in the config file", "link", l.ID)
		}
	}
	ws, err := g.store.AllWorkspaces(ctx)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.Origin == store.OriginConfig && !workspaces[wsKey{w.Tenant, w.Platform, w.ID}] {
			if err := g.store.DeleteWorkspace(ctx, w.Tenant, w.Platform, w.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("remove workspace: %w", err)
			}
			g.log.Info("workspace removed: no longer in the config file", "platform", w.Platform, "workspace", g.vault.Pseudonym(string(w.ID)))
		}
	}
	return nil
}

// statusCounts reports counts only: no names, no IDs, no content.
func (g *Gateway) statusCounts(ctx context.Context) (map[string]any, error) {
	ws, err1 := g.store.AllWorkspaces(ctx)
	links, err2 := g.store.AllLinks(ctx)
	ts, err3 := g.store.Tenants(ctx)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	pending, _ := g.bus.Pending(ctx)
	return map[string]any{"tenants": len(ts), "workspaces": len(ws), "links": len(links), "bus_pending": pending}, nil
}

// purgeAudit applies the audit log's retention.
func (g *Gateway) purgeAudit(ctx context.Context) {
	if n, err := g.adminAPI.PurgeAudit(ctx); err != nil {
		g.log.Warn("audit purge", "err", err)
	} else if n > 0 {
		g.log.Info("purged expired audit entries", "count", n)
	}
}
