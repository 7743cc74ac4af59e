// Package emulator is what every platform emulator is built on: the
// Options it is created with, the goroutines it owns and stops on Close,
// its public origin, its clock and fault table, the control API's shared
// endpoints and its JSON answers. The parts that vary by platform have
// packages of their own, each taking the platform's rules as parameters:
// outbox (ordered, retrying outbound delivery), requestlog, ratelimit, ids,
// clock, faults and idp (sign-in). A platform keeps only what is its own:
// its API, its wire shapes and headers, its schedules and limits.
//
// A new emulator starts from
//
//	e := &Emulator{base: emulator.NewBase(opts, emulator.Defaults{
//		Platform: "zoom", Origin: "https://zoom.emulator.invalid",
//		RetryDelays: …, AckTimeout: …, // as the platform documents them
//	})}
//
// and delegates Close and SetBaseURL to it.
package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"parley/internal/emulator/clock"
	"parley/internal/emulator/faults"
)

// Options configure an emulator. The zero value works: what it leaves
// unset is the platform's (Defaults, documented in its package).
type Options struct {
	// HTTPClient makes the platform's outbound deliveries (events,
	// activities, pushes, webhooks); the sandbox passes one trusting its
	// CA. Default http.DefaultClient.
	HTTPClient *http.Client
	// Now is the wall clock the emulator's clock starts from (default
	// time.Now). What the platform keeps runs on the emulator's clock,
	// which POST {control_url}clock moves ahead of it (package clock);
	// what a receiver checks on its own clock stays on this one.
	Now func() time.Time
	// Logger receives operational logs only, never content or tokens.
	// Default: discarded.
	Logger *slog.Logger
	// RetryDelays are the delays, on the emulator's clock, before
	// redelivery 1..n of a delivery the receiver did not acknowledge. nil
	// is the platform's schedule; an empty non-nil slice disables retries.
	RetryDelays []time.Duration
	// AckTimeout is how long a receiver has to acknowledge a delivery
	// before it counts as failed. 0 is the platform's.
	AckTimeout time.Duration
}

// Defaults are what a platform fills in where Options are unset, and
// what names it.
type Defaults struct {
	// Platform names the emulator in its logs ("slack").
	Platform string
	// Origin is the placeholder public origin used until SetURL, on a
	// host that does not resolve ("https://slack.emulator.invalid").
	Origin      string
	RetryDelays []time.Duration
	AckTimeout  time.Duration
}

// Base is the part of an emulator that is the same on every platform.
// Create it with NewBase; it is safe for concurrent use. Its mutex is a
// leaf: a platform may call Base's methods while holding its own locks.
type Base struct {
	// Opts are the Options with the platform's defaults filled in.
	Opts Options
	// Log is Opts.Logger with the platform's name.
	Log *slog.Logger
	// Clock is the platform's time; Faults the injected failures, whose
	// timed faults run on it.
	Clock  *clock.Clock
	Faults *faults.Table

	mu     sync.Mutex
	origin string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// goMu makes "closed" and wg.Add atomic, so no goroutine starts after
	// Close has begun waiting.
	goMu   sync.Mutex
	closed bool
}

// NewBase applies d to opts and returns a Base. It does no I/O and starts
// no goroutine.
func NewBase(opts Options, d Defaults) *Base {
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
		opts.RetryDelays = d.RetryDelays
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = d.AckTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	clk := clock.New(opts.Now)
	return &Base{
		Opts:   opts,
		Log:    opts.Logger.With("emulator", d.Platform),
		Clock:  clk,
		Faults: &faults.Table{Now: clk.Now},
		origin: strings.TrimRight(d.Origin, "/"),
		ctx:    ctx,
		cancel: cancel,
	}
}

// Now is the platform's time: resources, lifetimes, limits, schedules.
func (b *Base) Now() time.Time { return b.Clock.Now() }

// Wall is the time a receiver's clock shows: what it checks the
// platform's signatures and tokens against.
func (b *Base) Wall() time.Time { return b.Clock.Wall() }

// URL is the emulator's public origin, without a trailing slash.
func (b *Base) URL() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.origin
}

// SetURL sets the public origin, e.g. "https://127.0.0.1:PORT"; every URL
// the emulator hands out is built from it.
func (b *Base) SetURL(u string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.origin = strings.TrimRight(u, "/")
}

// Go runs fn in a goroutine that Close stops and waits for: fn must return
// once ctx is done. After Close it does nothing.
func (b *Base) Go(fn func(ctx context.Context)) {
	b.goMu.Lock()
	defer b.goMu.Unlock()
	if b.closed {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn(b.ctx)
	}()
}

// Close stops every goroutine started with Go — deliveries in flight and
// pending retries included — and waits for them to end. It is safe to
// call more than once.
func (b *Base) Close() {
	b.goMu.Lock()
	b.closed = true
	b.goMu.Unlock()
	b.cancel()
	b.wg.Wait()
}

// MountControl serves the control endpoints every emulator shares
// (SANDBOX.md) under /_emulator/: faults, clock, and the request log
// (requests, usually a *requestlog.Log).
func (b *Base) MountControl(mux *http.ServeMux, requests http.Handler) {
	mux.Handle("POST /_emulator/faults", b.Faults)
	mux.Handle("DELETE /_emulator/faults", b.Faults)
	mux.Handle("GET /_emulator/requests", requests)
	mux.Handle("POST /_emulator/clock", b.Clock)
	mux.Handle("GET /_emulator/clock", b.Clock)
}
