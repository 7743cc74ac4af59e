package gateway

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"parley/internal/admin"
	"parley/internal/alert"
	"parley/internal/audit"
	"parley/internal/bus"
	"parley/internal/catchup"
	"parley/internal/config"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/dispatch"
	"parley/internal/ingest"
	"parley/internal/metrics"
	"parley/internal/monitor"
	"parley/internal/msgmap"
	"parley/internal/policy"
	"parley/internal/readiness"
	"parley/internal/router"
	"parley/internal/store"
	"parley/internal/store/driver"
	"parley/internal/tlsconf"
	"parley/internal/vault"
)

// Gateway is a running Parley node.
type Gateway struct {
	// WrapClient, if set before Start, wraps each installed workspace's
	// client: fault injection for tests (a connector that panics on one
	// message). Nil in production.
	WrapClient func(w store.Workspace, c connector.Client) connector.Client

	cfg *config.Config
	log *slog.Logger

	store   store.Store
	vault   *vault.Vault
	bus     *bus.Bus
	lanes   *delivery.Lanes
	router  *router.Router
	metrics *metrics.Metrics
	traffic *audit.Traffic
	catchup *catchup.Catchup
	clients *clients
	mounts  []mount
	// uninstalled are the workspaces whose installation failed at start;
	// reinstall keeps trying the ones that may still succeed.
	uninstalled []store.Workspace
	sink        ingest.Sink
	adminAPI    *admin.API
	ready       *readiness.Checker
	dispatcher  *dispatch.Dispatcher

	policyMu sync.Mutex
	policies map[core.TenantID]*policy.Set // in force on this node

	monitor      *monitor.Monitor
	alerts       *alert.Sink
	quarantineMu sync.Mutex // serialises writers of quarantine
	quarantine   atomic.Pointer[quarantines]

	public, admin     *http.Server
	publicLn, adminLn net.Listener
	requests          *requests
	cancel            context.CancelFunc
	wg                sync.WaitGroup
}

// New prepares a gateway; it does no I/O.
func New(cfg *config.Config, log *slog.Logger) *Gateway {
	return &Gateway{cfg: cfg, log: log, clients: newClients(), requests: newRequests()}
}

// Start opens the store, keys and bus, installs the configured workspaces,
// starts relaying and listens. On error everything opened is closed.
func (g *Gateway) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			g.Close(context.Background())
		}
	}()
	if err := os.MkdirAll(g.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	var roots *x509.CertPool
	if g.cfg.TLS.CAFile != "" {
		if roots, err = tlsconf.PoolFromPEMFile(g.cfg.TLS.CAFile); err != nil {
			return fmt.Errorf("tls.ca_file: %w", err)
		}
	}
	httpClient := tlsconf.HTTPClient(roots)

	if g.store, err = driver.Open(ctx, g.cfg.Store); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	kek, err := vault.OpenKEK(ctx, g.cfg.Keys.KEKURL)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	g.vault = vault.New(kek, g.store)
	// Replay guards and bus message IDs are pseudonyms: every node must
	// derive them with the same key.
	if err := g.vault.LoadPseudonymKey(ctx); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	b := g.cfg.Bus
	if g.bus, err = bus.Open(ctx, bus.Options{DataDir: g.cfg.DataDir, URL: b.URL, MaxAge: b.MaxAge, Logger: g.log,
		CAFile: b.CAFile, RootCAs: roots, CertFile: b.CertFile, KeyFile: b.KeyFile,
		Creds: b.Creds.Value, NKeySeed: b.NKeySeed.Value, AllowPlaintext: b.AllowPlaintext}); err != nil {
		return fmt.Errorf("bus: %w", err)
	}

	g.addConnectors(httpClient)

	g.lanes = delivery.New(g.log, delivery.Policy{})
	g.metrics = metrics.New()
	g.metrics.Register(newLaneCollector(g.lanes, g.vault.Pseudonym))
	g.metrics.Register(&breakerCollector{b: g.lanes.Breakers, pseudo: g.vault.Pseudonym,
		desc: prometheus.NewDesc("parley_circuit_open", "1 while deliveries to a workspace are paused after repeated failures.", []string{"workspace"}, nil)})
	g.ready = g.newReadiness()
	g.traffic = audit.NewTraffic(g.store, g.cfg.Traffic.Retention, nil, g.log)
	g.monitor = monitor.New(nil)
	g.alerts = alert.New(alert.Options{Store: g.store, Secret: g.cfg.Admin.AlertWebhookSecret.Value, HTTPClient: httpClient,
		AllowPrivate: g.cfg.Egress.AllowPrivateAddresses, Retention: g.cfg.Admin.AlertRetention,
		Count: func(kind string) { g.metrics.Alerts.WithLabelValues(kind).Inc() }, Logger: g.log.With("component", "alerts")})
	g.router = router.New(router.Options{
		Observer:      observer{traffic: g.traffic, metrics: g.metrics, pseudo: g.vault.Pseudonym},
		Noticed:       func(p core.Platform) { g.metrics.Notices.WithLabelValues(string(p)).Inc() },
		Health:        (&health{g: g}).report,
		Clients:       g.clients,
		Messages:      msgmap.New(g.store, g.vault, g.cfg.Relay.MessageMapTTL, nil),
		Lanes:         g.lanes,
		Logger:        g.log,
		DeliveryTTL:   g.cfg.Relay.DeliveryTTL,
		WorkspaceName: g.clients.name,
		Pseudonym:     g.vault.Pseudonym,
		PolicyHit:     g.policyHit,
		Watch:         g.watch,
	})

	if err := g.provision(ctx); err != nil {
		return err
	}
	if err := g.startAdmin(ctx, httpClient); err != nil {
		return err
	}
	g.catchup = catchup.New(g.store, g.vault, g.log)
	links, err := g.store.AllLinks(ctx)
	if err != nil {
		return fmt.Errorf("load links: %w", err)
	}
	plan, err := g.catchup.Snapshot(ctx, links)
	if err != nil {
		return fmt.Errorf("catch-up: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	g.wg.Add(6)
	go func() { defer g.wg.Done(); g.followConfig(runCtx) }()
	go func() { defer g.wg.Done(); g.reinstall(runCtx, g.uninstalled) }()
	g.sink = ingest.Sink{Vault: g.vault, Bus: g.bus, Seen: g.store}
	g.dispatcher = dispatch.New(dispatch.Options{
		Bus: g.bus, Vault: g.vault, Store: g.store, Router: g.router, Catchup: g.catchup,
		DeadLetters: g.metrics.DeadLetters, Logger: g.log, MaxAge: g.cfg.Bus.MaxAge,
		Restart: g.cfg.Bus.URL == "", Pending: plan.Pending(),
	})
	listening := make(chan struct{})
	go func() {
		defer g.wg.Done()
		// History is read only once the listener is up: whatever is
		// posted before the read is in it, and whatever comes after
		// arrives live.
		select {
		case <-listening:
		case <-runCtx.Done():
			return
		}
		plan.RunEach(runCtx, g.clients, g.dispatcher.CatchupSink(g.sink), func(p catchup.Pending, err error) {
			if err != nil && runCtx.Err() == nil {
				g.log.Warn("catch-up incomplete", "platform", p.Channel.Platform, "channel", g.vault.Pseudonym(p.Channel.String()), "err", err)
			}
			g.dispatcher.CaughtUp(p, err)
		})
	}()
	go func() { defer g.wg.Done(); g.dispatcher.Run(runCtx) }()
	go func() { defer g.wg.Done(); g.housekeeping(runCtx) }()
	go func() { defer g.wg.Done(); g.traffic.Run(runCtx, time.Minute) }()
	if err := g.listen(); err != nil {
		return err
	}
	g.runConnectors(runCtx)
	close(listening)
	return nil
}

// PublicURL is the base URL of the public listener.
func (g *Gateway) PublicURL() string {
	if g.cfg.Public.URL != "" {
		return g.cfg.Public.URL
	}
	return "https://" + g.publicLn.Addr().String()
}

// AdminURL is the base URL of the admin listener.
func (g *Gateway) AdminURL() string { return "https://" + g.adminLn.Addr().String() }

// InboundURLs maps each platform to where its events must be sent.
func (g *Gateway) InboundURLs() map[string]string {
	out := map[string]string{}
	for _, m := range g.mounts {
		out[m.name] = g.PublicURL() + m.path
	}
	return out
}

// Close stops listening, drains relaying and closes the bus and store.
func (g *Gateway) Close(ctx context.Context) error {
	var errs []error
	g.shutdownHTTP(ctx)
	if g.cancel != nil {
		g.cancel()
	}
	g.wg.Wait()
	if g.lanes != nil {
		g.lanes.Close()
	}
	if g.alerts != nil {
		g.alerts.Close(ctx)
	}
	if g.bus != nil {
		errs = append(errs, g.bus.Close())
	}
	if g.store != nil {
		errs = append(errs, g.store.Close())
	}
	return errors.Join(errs...)
}

// housekeeping purges expired message-map entries and replay marks.
func (g *Gateway) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.purgeAudit(ctx)
			if n, err := g.store.DeleteExpired(ctx, time.Now()); err != nil {
				g.log.Warn("purge expired", "err", err)
			} else if n > 0 {
				g.log.Info("purged expired entries", "count", n)
			}
		}
	}
}
