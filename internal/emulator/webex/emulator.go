package webex

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
	// HTTPClient delivers webhooks to their target URLs (the sandbox passes
	// one trusting its CA). Default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the wall clock the emulator's clock starts from (default
	// time.Now). Created/updated times, token lifetimes, rate limits and
	// webhook failure windows run on the emulator's clock, which POST
	// {control_url}clock moves ahead of it (package clock).
	Now func() time.Time
	// Logger receives operational logs only, never content or tokens.
	Logger *slog.Logger
	// RetryDelays are the delays before redelivery 1..n of a failed
	// webhook delivery. Default {1s, 10s, 60s}; an empty non-nil slice
	// disables retries.
	RetryDelays []time.Duration
	// AckTimeout is how long a target has to answer. Default 10s.
	AckTimeout time.Duration
	// DisableAfter is how many failed deliveries within 5 minutes disable a
	// webhook. Default 100.
	DisableAfter int
}

// Emulator is an in-memory Webex. Create it with New; all methods are safe
// for concurrent use.
type Emulator struct {
	opts Options
	log  *slog.Logger

	// mu guards st and baseURL. Lock order: mu, then the delivery queue's
	// mutex; the rate limiter, fault table and request log have their own
	// leaf mutexes.
	mu      sync.Mutex
	st      *state
	baseURL string

	queue    *deliveryQueue
	clock    *clock.Clock
	limits   *rateLimiter
	faults   *faults.Table
	requests *requestLog

	// The integration OAuth side (integration.go), guarded by mu.
	oauth   *oauthState
	signer  idp.Signer
	codes   *idp.Codes[webexGrant]
	pending *idp.Pending[webexRequest]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// goMu makes "closed" and wg.Add atomic so no goroutine starts after
	// Close has begun waiting.
	goMu   sync.Mutex
	closed bool
}

// New returns an Emulator. It does no I/O; its delivery goroutine runs until
// Close.
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
		opts.RetryDelays = []time.Duration{time.Second, 10 * time.Second, time.Minute}
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 10 * time.Second
	}
	if opts.DisableAfter <= 0 {
		opts.DisableAfter = 100
	}
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.New(opts.Now)
	e := &Emulator{
		opts:     opts,
		log:      opts.Logger.With("emulator", "webex"),
		st:       newState(),
		baseURL:  "https://webex.emulator.invalid",
		clock:    clk,
		faults:   &faults.Table{Now: clk.Now},
		requests: &requestLog{},
		limits:   newRateLimiter(clk.Now),
		ctx:      ctx,
		cancel:   cancel,
	}
	e.oauth = newOAuthState()
	e.codes = &idp.Codes[webexGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[webexRequest]{Now: e.now, TTL: codeLifetime}
	e.queue = &deliveryQueue{e: e, wake: make(chan struct{}, 1)}
	e.goOwned(e.queue.run)
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT"; file URLs and APIURL are built from it.
func (e *Emulator) SetBaseURL(u string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.baseURL = strings.TrimRight(u, "/")
}

// APIURL is the REST base, with a trailing slash: base + "/v1/".
func (e *Emulator) APIURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.baseURL + "/v1/"
}

// Close stops webhook delivery, including pending retries, and waits for
// its goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() {
	e.goMu.Lock()
	e.closed = true
	e.goMu.Unlock()
	e.cancel()
	e.wg.Wait()
}

// now is Webex's time: resources, lifetimes, limits.
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
