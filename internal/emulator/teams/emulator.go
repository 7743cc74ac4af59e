package teams

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"parley/internal/emulator/clock"
	"parley/internal/emulator/faults"
	"parley/internal/emulator/idp"
)

// Options configure an Emulator. The zero value works.
type Options struct {
	// HTTPClient delivers activities to bots' messaging endpoints (the
	// sandbox passes one trusting its CA). Default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the wall clock the emulator's clock starts from (default
	// time.Now). Message IDs, timestamps, token lifetimes and rate limits
	// run on the emulator's clock, which POST {control_url}clock moves
	// ahead of it (package clock); the tokens on activities sent to bots
	// are stamped with the wall clock the bot checks them against.
	Now func() time.Time
	// Logger receives operational logs only, never content or tokens.
	Logger *slog.Logger
	// RetryDelays are the delays before redelivery 1..n of an activity the
	// bot did not acknowledge with a 2xx. Default {1s, 2s, 4s}; an empty
	// non-nil slice disables retries. Microsoft does not document the
	// Connector's schedule, so this is a guess that keeps tests fast.
	RetryDelays []time.Duration
}

// Emulator is an in-memory Teams: Bot Connector, the login and Bot
// Framework identity endpoints, a Graph v1.0 subset and a control API.
// Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	opts Options
	log  *slog.Logger

	// mu guards st and baseURL. Lock order: mu, then a bot queue's mutex;
	// the signing keys, rate limiters, fault table and request log have
	// their own leaf mutexes.
	mu      sync.Mutex
	st      *state
	baseURL string

	clock    *clock.Clock
	keys     *keyRing
	limits   *limiter
	faults   *faults.Table
	requests *requestLog

	// The sign-in and consent side (entra.go), guarded by mu.
	entra   *entraState
	codes   *idp.Codes[entraGrant]
	pending *idp.Pending[entraRequest]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// goMu makes "closed" and wg.Add atomic so no goroutine starts after
	// Close has begun waiting.
	goMu   sync.Mutex
	closed bool
}

// New returns an Emulator. It does no I/O; delivery goroutines start when
// bots are registered and stop on Close.
func New(opts Options) *Emulator {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.New(opts.Now)
	e := &Emulator{
		opts:     opts,
		log:      opts.Logger.With("emulator", "teams"),
		st:       newState(),
		baseURL:  "https://teams.emulator.invalid",
		clock:    clk,
		keys:     newKeyRing(clk.Now, clk.Wall),
		limits:   newLimiter(clk.Now),
		faults:   &faults.Table{Now: clk.Now},
		requests: &requestLog{},
		ctx:      ctx,
		cancel:   cancel,
		entra:    newEntraState(),
	}
	e.codes = &idp.Codes[entraGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[entraRequest]{Now: e.now, TTL: codeLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT" (no trailing slash). Every URL the emulator
// hands out (serviceUrl, metadata, download URLs) is built from it; until
// it is called they point at an unresolvable placeholder host.
func (e *Emulator) SetBaseURL(u string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.baseURL = strings.TrimRight(u, "/")
}

func (e *Emulator) base() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.baseURL
}

// ServiceURL is the Bot Connector base put in every activity's serviceUrl,
// with the trailing slash Teams uses.
func (e *Emulator) ServiceURL() string { return e.base() + "/" }

// OpenIDMetadataURL serves the OpenID configuration whose jwks_uri lists
// the keys that sign activities sent to bots (issuer IssuerBotFramework).
func (e *Emulator) OpenIDMetadataURL() string {
	return e.base() + "/botframework/v1/.well-known/openidconfiguration"
}

// JWKSURL is the jwks_uri named in the OpenID metadata.
func (e *Emulator) JWKSURL() string { return e.base() + "/botframework/v1/.well-known/keys" }

// TokenURL is the client-credentials token endpoint of tenantID (or of
// "botframework.com", the legacy multi-tenant authority).
func (e *Emulator) TokenURL(tenantID string) string {
	return e.base() + "/" + tenantID + "/oauth2/v2.0/token"
}

// LoginURL is the authority botbuilder's ToChannelFromBotLoginUrl takes:
// the token URL without "/oauth2/v2.0/token".
func (e *Emulator) LoginURL(tenantID string) string { return e.base() + "/" + tenantID }

// GraphURL is the Microsoft Graph v1.0 base, with a trailing slash.
func (e *Emulator) GraphURL() string { return e.base() + "/v1.0/" }

// ControlURL is the base of the /_emulator/ control API (SANDBOX.md).
func (e *Emulator) ControlURL() string { return e.base() + "/_emulator/" }

// Close stops activity delivery, including pending retries, and waits for
// the delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() {
	e.goMu.Lock()
	e.closed = true
	e.goMu.Unlock()
	e.cancel()
	e.wg.Wait()
}

// now is Microsoft's time: IDs, timestamps, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.clock.Now() }

// goOwned runs fn in a goroutine that Close waits for; fn must return once
// e.ctx is done.
func (e *Emulator) goOwned(fn func()) {
	e.goMu.Lock()
	defer e.goMu.Unlock()
	if e.closed {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		fn()
	}()
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed. It
// is a deliberate delay (retry schedule, injected latency), not a poll.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
