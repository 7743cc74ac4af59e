package gateway

import (
	"context"
	"net/http"
	"strings"

	"parley/internal/config"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/platform"
	"parley/internal/reactionstore"
)

// mount is where a platform's inbound handler is served on the public
// listener, and the name the manifest and logs give that endpoint.
type mount struct {
	name     string
	path     string // exact path
	platform core.Platform
	handler  func(connector.Sink) http.Handler
}

// addConnectors creates the connectors of the platforms the configuration
// enables and records where their inbound handlers go.
func (g *Gateway) addConnectors(hc *http.Client) {
	publicURL := g.cfg.Public.URL
	if publicURL == "" {
		publicURL = "https://" + g.cfg.Public.Listen
	}
	for _, p := range config.Platforms() {
		if !g.cfg.Enabled(p) {
			continue
		}
		conn := p.New(g.cfg.Platform(p.Name), platform.Env{
			HTTPClient: hc, Logger: g.log.With("platform", string(p.Name)),
			AllowPrivateAddresses: g.cfg.Egress.AllowPrivateAddresses,
			PublicURL:             strings.TrimRight(publicURL, "/"),
			Reactions:             reactionstore.New(p.Name, g.store, g.vault),
		})
		g.clients.add(conn)
		for _, m := range p.Mounts {
			handler := conn.Handler
			if m.StripPrefix != "" {
				strip := m.StripPrefix
				handler = func(s connector.Sink) http.Handler { return http.StripPrefix(strip, conn.Handler(s)) }
			}
			g.mounts = append(g.mounts, mount{name: m.Name, path: m.Path, platform: p.Name, handler: handler})
		}
	}
}

// watcher is a client whose platform sends a channel's events only once
// the app subscribes to it (a subscription API rather than webhooks).
type watcher interface {
	Watch(ctx context.Context, ch core.ChannelID) error
}

// watchLinked subscribes to every linked channel that needs it.
func (g *Gateway) watchLinked(ctx context.Context) {
	links, err := g.store.AllLinks(ctx)
	if err != nil {
		g.log.Error("load links to watch", "err", err)
		return
	}
	for _, l := range links {
		for _, ch := range l.Channels {
			client, err := g.clients.Client(l.Tenant, ch.Platform, ch.Workspace)
			if err != nil {
				continue
			}
			if w, ok := client.(watcher); ok {
				if err := w.Watch(ctx, ch.Channel); err != nil {
					g.log.Error("channel not watched: its events will not arrive", "platform", ch.Platform, "channel", g.vault.Pseudonym(ch.String()), "err", err)
				}
			}
		}
	}
}

// runConnectors starts the background work of the connectors that have
// some (connector.Runner); it stops with the gateway.
func (g *Gateway) runConnectors(ctx context.Context) {
	g.clients.mu.RLock()
	defer g.clients.mu.RUnlock()
	for _, conn := range g.clients.connectors {
		if r, ok := conn.(connector.Runner); ok {
			g.wg.Add(1)
			go func() { defer g.wg.Done(); r.Run(ctx) }()
		}
	}
}
