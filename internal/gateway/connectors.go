package gateway

import (
	"context"
	"net/http"
	"strings"

	"parley/internal/connector"
	gchatconn "parley/internal/connector/gchat"
	slackconn "parley/internal/connector/slack"
	teamsconn "parley/internal/connector/teams"
	webexconn "parley/internal/connector/webex"
	"parley/internal/core"
)

// mount is where a platform's inbound handler is served on the public
// listener, and the name the manifest and logs give that endpoint.
type mount struct {
	name     string
	path     string // exact path, or a prefix ending in /
	platform core.Platform
	handler  func(connector.Sink) http.Handler
}

// Public paths of the inbound endpoints.
const (
	slackEventsPath   = "/slack/events"
	teamsMessagesPath = "/teams/messages"
	gchatPrefix       = "/gchat"
	webexWebhooksPath = "/webex/webhooks"
)

// addConnectors creates the connectors the configuration enables and
// records where their inbound handlers go.
func (g *Gateway) addConnectors(hc *http.Client) {
	slack := slackconn.New(slackconn.Config{
		SigningSecret: g.cfg.Slack.SigningSecret.Value,
		APIURL:        g.cfg.Slack.APIURL,
		FileHosts:     g.cfg.Slack.FileHosts, AllowPrivateAddresses: g.cfg.Egress.AllowPrivateAddresses,
		HTTPClient: hc,
		Logger:     g.log.With("platform", "slack"),
	})
	g.clients.add(slack)
	g.mounts = append(g.mounts, mount{name: "slack", path: slackEventsPath, platform: core.Slack, handler: slack.Handler})

	if tc := g.cfg.Teams; tc.AppID != "" {
		conn := teamsconn.New(teamsconn.Config{
			AppID: tc.AppID, AppSecret: tc.AppSecret.Value, TenantID: tc.TenantID,
			OpenIDMetadataURL: tc.OpenIDMetadataURL, Issuer: tc.Issuer, TokenURL: tc.TokenURL, GraphURL: tc.GraphURL,
			ServiceURL: tc.ServiceURL, AllowedServiceURLs: tc.AllowedServiceHosts,
			FileHosts: tc.FileHosts, AllowPrivateAddresses: g.cfg.Egress.AllowPrivateAddresses,
			HTTPClient: hc, Logger: g.log.With("platform", "teams"),
		})
		g.clients.add(conn)
		g.mounts = append(g.mounts, mount{name: "teams", path: teamsMessagesPath, platform: core.Teams, handler: conn.Handler})
	}
	if gc := g.cfg.GChat; !gc.ServiceAccountKey.Value.IsZero() {
		conn := gchatconn.New(gchatconn.Config{
			ServiceAccountKey: gc.ServiceAccountKey.Value, ProjectNumber: gc.ProjectNumber,
			PushAudience: gc.PushAudience, PushServiceAccount: gc.PushServiceAccount, PubsubTopic: gc.PubsubTopic,
			APIURL: gc.APIURL, EventsAPIURL: gc.EventsAPIURL, TokenURL: gc.TokenURL,
			ChatCertsURL: gc.ChatCertsURL, OIDCJWKSURL: gc.OIDCJWKSURL,
			FileHosts: gc.FileHosts, AllowPrivateAddresses: g.cfg.Egress.AllowPrivateAddresses,
			HTTPClient: hc, Logger: g.log.With("platform", "gchat"),
		})
		g.clients.add(conn)
		strip := func(s connector.Sink) http.Handler { return http.StripPrefix(gchatPrefix, conn.Handler(s)) }
		g.mounts = append(g.mounts,
			mount{name: "gchat", path: gchatPrefix + "/pubsub", platform: core.GChat, handler: strip},
			mount{name: "gchat_interaction", path: gchatPrefix + "/events", platform: core.GChat, handler: strip})
	}
	if wc := g.cfg.Webex; !wc.WebhookSecret.Value.IsZero() {
		publicURL := g.cfg.Public.URL
		if publicURL == "" {
			publicURL = "https://" + g.cfg.Public.Listen
		}
		conn := webexconn.New(webexconn.Config{
			WebhookSecret: wc.WebhookSecret.Value, APIURL: wc.APIURL,
			FileHosts: wc.FileHosts, AllowPrivateAddresses: g.cfg.Egress.AllowPrivateAddresses,
			PublicURL:  strings.TrimRight(publicURL, "/") + webexWebhooksPath,
			HTTPClient: hc, Logger: g.log.With("platform", "webex"),
		})
		g.clients.add(conn)
		g.mounts = append(g.mounts, mount{name: "webex", path: webexWebhooksPath, platform: core.Webex, handler: conn.Handler})
	}
}

// watcher is a client whose platform sends a channel's events only once
// the app subscribes to it (Google Chat's Workspace Events).
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
