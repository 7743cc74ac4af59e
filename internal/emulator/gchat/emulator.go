package gchat

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
	// HTTPClient delivers interaction events and Pub/Sub pushes (the
	// sandbox passes one trusting its CA). Default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the wall clock the emulator's clock starts from (default
	// time.Now). Resource times, token and subscription lifetimes and
	// limits run on the emulator's clock, which POST {control_url}clock
	// moves ahead of it (package clock).
	Now func() time.Time
	// Logger receives operational logs only, never content or tokens.
	Logger *slog.Logger
	// RetryDelays are the delays before push retry 1..n of one Pub/Sub
	// message. Default: Pub/Sub's exponential backoff {10s, 20s, 40s, 80s,
	// 160s, 320s, 600s}; an empty non-nil slice disables retries.
	RetryDelays []time.Duration
}

// Emulator is an in-memory Google Chat: the Chat REST API subset a bridge
// needs, the OAuth2 token endpoint, interaction-event delivery, the
// Workspace Events API and Pub/Sub push delivery, and a control API.
// Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	opts Options
	log  *slog.Logger

	// mu guards st and baseURL. Lock order: mu, then a delivery queue's
	// mutex; the rate limiter, fault table and request log have their own
	// leaf mutexes.
	mu      sync.Mutex
	st      *state
	baseURL string

	// chatKey signs interaction-event tokens (iss
	// chat@system.gserviceaccount.com); oidcKey signs Google OIDC ID
	// tokens for Pub/Sub push. Both are fixed for the emulator's life.
	chatKey *signingKey
	oidcKey *signingKey

	clock    *clock.Clock
	limits   *rateLimiter
	faults   *faults.Table
	requests *requestLog
	// lifecycleWake nudges the subscription lifecycle goroutine (started
	// with the first subscription) to look again.
	lifecycleWake  chan struct{}
	lifecycleStart sync.Once

	// The user-consent side (signin.go), guarded by mu.
	oauth   *oauthState
	codes   *idp.Codes[googleGrant]
	pending *idp.Pending[googleRequest]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// goMu makes "closed" and wg.Add atomic so no goroutine starts after
	// Close has begun waiting.
	goMu   sync.Mutex
	closed bool
}

// New returns an Emulator. It does no network I/O; delivery goroutines
// start when apps are registered and stop on Close.
func New(opts Options) *Emulator {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second,
			80 * time.Second, 160 * time.Second, 320 * time.Second, 600 * time.Second}
	}
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.New(opts.Now)
	e := &Emulator{
		opts:          opts,
		log:           opts.Logger.With("emulator", "gchat"),
		st:            newState(),
		baseURL:       "https://gchat.emulator.invalid",
		clock:         clk,
		limits:        newRateLimiter(clk.Now),
		faults:        &faults.Table{Now: clk.Now},
		requests:      &requestLog{},
		lifecycleWake: make(chan struct{}, 1),
		ctx:           ctx,
		cancel:        cancel,
	}
	// Certificates are checked by receivers, on their clocks.
	e.chatKey = newSigningKey(chatIssuer, clk.Wall())
	e.oidcKey = newSigningKey("accounts.google.com", clk.Wall())
	clk.OnAdvance(e.clockAdvanced)
	e.oauth = newOAuthState()
	e.codes = &idp.Codes[googleGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[googleRequest]{Now: e.now, TTL: codeLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT". Every URL the emulator hands out (token_uri in
// service-account keys, download URIs, the token audience) derives from it,
// so call it before RegisterApp.
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

// APIURL is the Chat API root, the value for option.WithEndpoint and
// @googleapis/chat's rootUrl: BASE + "/" (paths start with v1/).
func (e *Emulator) APIURL() string { return e.base() + "/" }

// TokenURL is the OAuth2 token endpoint (stand-in for
// https://oauth2.googleapis.com/token).
func (e *Emulator) TokenURL() string { return e.base() + "/token" }

// ChatCertsURL serves the x509 certificates (JSON kid → PEM) that verify
// interaction-event tokens, like
// https://www.googleapis.com/service_accounts/v1/metadata/x509/chat@system.gserviceaccount.com.
func (e *Emulator) ChatCertsURL() string { return e.base() + "/certs" }

// OIDCJWKSURL serves the JWKS of Google's OIDC ID tokens (stand-in for
// https://www.googleapis.com/oauth2/v3/certs).
func (e *Emulator) OIDCJWKSURL() string { return e.base() + "/oauth2/v3/certs" }

// OIDCCertsURL serves the same keys as OIDCJWKSURL as x509 PEM
// certificates (stand-in for https://www.googleapis.com/oauth2/v1/certs,
// what google-auth-library fetches).
func (e *Emulator) OIDCCertsURL() string { return e.base() + "/oauth2/v1/certs" }

// WorkspaceEventsURL is the Workspace Events API root, the value for
// option.WithEndpoint with google.golang.org/api/workspaceevents/v1
// (paths start with v1/subscriptions).
func (e *Emulator) WorkspaceEventsURL() string { return e.base() + "/workspaceevents/" }

// ControlURL is the emulator's control API (SANDBOX.md), not part of
// Google Chat.
func (e *Emulator) ControlURL() string { return e.base() + "/_emulator/" }

// Close stops deliveries, including pending retries, and waits for the
// delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() {
	e.goMu.Lock()
	e.closed = true
	e.goMu.Unlock()
	e.cancel()
	e.wg.Wait()
}

// now is Google's time: resources, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.clock.Now() }

// wall stamps what a receiver checks on its own clock: the iat and exp of
// tokens Google signs, and the lifetime of assertions apps sign.
func (e *Emulator) wall() time.Time { return e.clock.Wall() }

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
