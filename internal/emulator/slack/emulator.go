package slack

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
	// HTTPClient delivers events to apps' request URLs (the sandbox passes
	// one trusting its CA). Default http.DefaultClient.
	HTTPClient *http.Client
	// AckTimeout is how long an app has to answer an event with a 2xx
	// before it is retried. Default 3s, as Slack.
	AckTimeout time.Duration
	// RetryDelays are the delays before retry 1..n. Default {0, 1m, 5m}, as
	// Slack; an empty non-nil slice disables retries.
	RetryDelays []time.Duration
	// Now is the wall clock the emulator's clock starts from (default
	// time.Now). ts values, event times, token lifetimes and rate limits
	// run on the emulator's clock, which POST {control_url}clock moves
	// ahead of it (package clock); request-signing timestamps stay on the
	// wall clock, the one the receiving app checks them against.
	Now func() time.Time
	// Logger receives operational logs only, never content or tokens.
	Logger *slog.Logger
}

// Emulator is an in-memory Slack: Web API, Events API delivery and a
// control API. Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	opts Options
	log  *slog.Logger

	// mu guards st. Lock order: mu, then an app queue's mutex; the rate
	// limiter, fault table and request log have their own leaf mutexes.
	mu      sync.Mutex
	st      *state
	baseURL string

	clock    *clock.Clock
	limits   *rateLimiter
	faults   *faults.Table
	requests *requestLog
	stats    deliveryStats

	// The identity side (signin.go, oauth.go): the ID-token key, codes
	// awaiting exchange and authorize pages awaiting an answer.
	signer  idp.Signer
	codes   *idp.Codes[grantInfo]
	pending *idp.Pending[authzRequest]

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// goMu makes "closed" and wg.Add atomic so no goroutine starts after
	// Close has begun waiting.
	goMu   sync.Mutex
	closed bool
}

// New returns an Emulator. It does no I/O; event delivery goroutines start
// when apps are added and stop on Close.
func New(opts Options) *Emulator {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 3 * time.Second
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = []time.Duration{0, time.Minute, 5 * time.Minute}
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
		log:      opts.Logger.With("emulator", "slack"),
		st:       newState(),
		baseURL:  "https://slack.emulator.invalid",
		clock:    clk,
		faults:   &faults.Table{Now: clk.Now},
		requests: &requestLog{},
		ctx:      ctx,
		cancel:   cancel,
	}
	e.limits = newRateLimiter(clk.Now)
	e.codes = &idp.Codes[grantInfo]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[authzRequest]{Now: e.now, TTL: pageLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT"; it builds upload_url, url_private and
// permalinks. Until it is called they point at an unresolvable
// placeholder host.
func (e *Emulator) SetBaseURL(u string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.baseURL = strings.TrimRight(u, "/")
}

// Close stops event delivery, including pending retries, and waits for the
// delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() {
	e.goMu.Lock()
	e.closed = true
	e.goMu.Unlock()
	e.cancel()
	e.wg.Wait()
}

// now is Slack's time: ts values, lifetimes, limits.
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
