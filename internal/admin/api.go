package admin

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/core"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/vault"
)

// Change says what changed, so running nodes reload only that.
type Change struct {
	Tenant core.TenantID `json:"tenant"`
	// What is "links", "workspaces", "policies" or "quarantine".
	What string `json:"what"`
}

// Notifier tells every running node that a tenant's configuration
// changed (the gateway publishes it on the bus).
type Notifier func(ctx context.Context, c Change) error

// Options configures the API.
type Options struct {
	Store store.Store
	Vault *vault.Vault
	// Notify is called after every change of links, workspaces or
	// policies.
	Notify Notifier
	// BootstrapToken is the installation operator's credential from the
	// config (admin.token); empty disables it.
	BootstrapToken secret.Secret
	// URL is how browsers reach the admin listener (https://host:port),
	// the base of the sign-in redirect URIs.
	URL string
	// Providers are the OpenID providers people sign in with.
	Providers []Provider
	// HTTPClient talks to the providers.
	HTTPClient *http.Client
	// SessionTTL bounds a console session (default 8 h); TokenTTL is a
	// personal token's default and longest life (default 90 days).
	SessionTTL, TokenTTL time.Duration
	// AuditRetention is how long audit entries are kept (default 1 year).
	AuditRetention time.Duration
	// Status reports the deployment's counters for GET status.
	Status func(ctx context.Context) (map[string]any, error)
	// Rejected, if set, is told of every request whose token or session
	// was presented and refused, for burst alerts.
	Rejected func(r *http.Request)
	Logger   *slog.Logger
	// Now is the clock (tests move it).
	Now func() time.Time
}

// API is the admin plane's HTTP API.
type API struct {
	opts   Options
	st     store.Store
	vault  *vault.Vault
	log    *slog.Logger
	now    func() time.Time
	routes []Route
	mux    http.Handler

	auditMu sync.Mutex // serialises this process's appends (others retry)

	url atomic.Pointer[string]

	provMu    sync.Mutex
	providers map[string]*provider
}

// New builds the API; it does no I/O.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = 8 * time.Hour
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = 90 * 24 * time.Hour
	}
	if o.AuditRetention == 0 {
		o.AuditRetention = 365 * 24 * time.Hour
	}
	if o.Notify == nil {
		o.Notify = func(context.Context, Change) error { return nil }
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	a := &API{opts: o, st: o.Store, vault: o.Vault, log: o.Logger, now: o.Now, providers: map[string]*provider{}}
	for _, p := range o.Providers {
		a.providers[p.Name] = &provider{cfg: p}
	}
	a.url.Store(&o.URL)
	a.routes = a.table()
	a.mux = a.handler(a.routes)
	return a
}

// Handler serves the API under Prefix.
func (a *API) Handler() http.Handler { return a.mux }

// Routes returns the route table (for documentation and tests).
func (a *API) Routes() []Route { return append([]Route(nil), a.routes...) }

// SetURL sets how browsers reach the API (https://host:port), once the
// listener's address is known.
func (a *API) SetURL(u string) { a.url.Store(&u) }
