// Package dispatch is the pipeline stage between the bus and the router
// (see Dispatcher).
package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"parley/internal/bus"
	"parley/internal/catchup"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/ingest"
	"parley/internal/router"
	"parley/internal/store"
	"parley/internal/vault"
)

// Options are a Dispatcher's collaborators.
type Options struct {
	Bus     *bus.Bus
	Vault   *vault.Vault
	Store   store.Store
	Router  *router.Router
	Catchup *catchup.Catchup
	// DeadLetters counts events set aside, by source platform and stage.
	DeadLetters *prometheus.CounterVec
	Logger      *slog.Logger
	// MaxAge is how long the bus keeps an event; a dead letter is kept no
	// longer.
	MaxAge time.Duration
	// Restart makes the consumer start over at the oldest unacknowledged
	// event (a single node with its embedded bus), so that what was in
	// flight at a crash goes first, in order.
	Restart bool
	// Pending are the channels being caught up at start: their events are
	// held back until catch-up has passed through the bus.
	Pending []catchup.Pending
}

// Dispatcher is the pipeline stage between the bus and the router: it
// consumes the bus, opens each event, holds back channels being caught up,
// routes, tracks what is in flight until every destination has it, and
// sets aside events whose handling panics.
type Dispatcher struct {
	o    Options
	log  *slog.Logger
	hold *holdback
	// consuming is true while Run's bus consumer runs.
	consuming atomic.Bool
}

// New prepares a Dispatcher; it does no I/O.
func New(o Options) *Dispatcher {
	return &Dispatcher{o: o, log: o.Logger, hold: newHoldback(o.Pending)}
}

// CatchupSink is catch-up's sink: it tells the holdback what to wait for
// before publishing through in like any inbound event.
func (g *Dispatcher) CatchupSink(in connector.Sink) connector.Sink {
	return holdSink{Sink: in, hold: g.hold}
}

// CaughtUp is called once per channel when its catch-up has finished,
// successfully or not: either way its live events must not wait longer.
func (g *Dispatcher) CaughtUp(p catchup.Pending, err error) { g.hold.caughtUp(p, err) }

// heartbeat is how often in-flight deliveries tell the bus they are still
// being worked on. It must be well under the bus's AckWait (30 s).
const heartbeat = 10 * time.Second

// Run feeds the bus to the router until ctx ends. A bus message is acknowledged when
// every destination has it (or has definitively failed), so a crash before
// that redelivers it. While a destination is slow or down the message stays
// in flight: the bus is told so regularly, and should it redeliver anyway,
// the copy is ignored rather than queued a second time.
func (g *Dispatcher) Run(ctx context.Context) {
	if g.o.Restart {
		// Single node: start over at the oldest unacknowledged event so
		// that what was in flight at a crash goes first, in order.
		if err := g.o.Bus.ResetConsumer(ctx); err != nil {
			g.log.Error("bus consumer reset", "err", err)
		}
	}
	runCtx := ctx // routing may happen later, from catch-up's goroutine
	inflight := newInflight()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); inflight.keepAlive(stop, heartbeat) }()
	defer func() { close(stop); wg.Wait() }()

	// The consumer is started again after an error (the consumer could
	// not be created while a cluster elected a leader, say): a node that
	// stopped relaying for good would look alive forever. Consuming
	// reports false meanwhile, and readiness with it.
	for {
		g.consuming.Store(true)
		err := g.o.Bus.Consume(ctx, func(ctx context.Context, d bus.Delivery) {
			if !inflight.add(d) {
				return // a redelivery of what is still being delivered
			}
			g.handle(ctx, runCtx, d, inflight)
		})
		g.consuming.Store(false)
		if err == nil || ctx.Err() != nil {
			return
		}
		if errors.Is(err, bus.ErrClosed) {
			g.log.Error("bus consumer stopped: the bus is closed", "err", err)
			return
		}
		g.log.Error("bus consumer stopped; starting it again", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(consumeRetry):
		}
	}
}

// consumeRetry separates attempts to start the bus consumer again.
const consumeRetry = 2 * time.Second

// Consuming reports whether Run's bus consumer is running, for readiness.
func (g *Dispatcher) Consuming() bool { return g.consuming.Load() }

// handle decrypts, decodes and routes one bus message. A panic anywhere on
// its way — here, in routing, or in a delivery attempt — sets the event
// aside as a dead letter and acknowledges it, so that a poisoned event is
// handled once instead of coming back first after every restart.
func (g *Dispatcher) handle(ctx, runCtx context.Context, d bus.Delivery, inflight *inflight) {
	ack := func() {
		inflight.remove(d.ID)
		_ = d.Ack()
	}
	var ev *core.Event // once decoded, for the sender's notice
	defer func() {
		if v := recover(); v != nil {
			delivery.LogPanic(g.log, "consume", v)
			g.setAside(ctx, d, ev, "consume", "panic while consuming", inflight)
		}
	}()
	plain, err := g.o.Vault.Open(ctx, d.Tenant, d.Data, ingest.EventAAD(d.Tenant))
	if err != nil {
		g.log.Error("undecryptable event dropped", "tenant", g.o.Vault.Pseudonym(string(d.Tenant)), "err", err)
		ack()
		return
	}
	ev = new(core.Event)
	if err := json.Unmarshal(plain, ev); err != nil {
		g.log.Error("undecodable event dropped", "err", err)
		ack()
		return
	}
	if ev.Tenant != d.Tenant {
		// Sealed for d.Tenant (the seal binds it), so only a bug could
		// get here; never route it under the other tenant.
		g.log.Error("event dropped: its tenant differs from its bus subject's", "tenant", g.o.Vault.Pseudonym(string(d.Tenant)))
		ack()
		return
	}
	if err := g.o.Catchup.Seen(ctx, *ev); err != nil {
		g.log.Warn("catch-up cursor not recorded", "err", err)
	}
	e := *ev
	g.hold.offer(e, func() {
		// Routing may run later, from catch-up's goroutine: isolate it
		// here, not only above.
		defer func() {
			if v := recover(); v != nil {
				delivery.LogPanic(g.log, "route", v)
				g.setAside(runCtx, d, &e, "route", "panic in routing", inflight)
			}
		}()
		g.o.Router.Route(runCtx, e, func(err error) {
			if errors.Is(err, delivery.ErrPanicked) {
				g.setAside(runCtx, d, &e, "delivery", deadLetterReason(err), inflight)
				return
			}
			ack()
		})
	})
}

// deadLetterReason keeps the part of a delivery error that says where it
// panicked ("to <platform>: delivery attempt: panicked"); delivery errors carry
// no content.
func deadLetterReason(err error) string {
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.HasSuffix(line, delivery.ErrPanicked.Error()) {
			parts = append(parts, line)
		}
	}
	return "panic in delivery " + strings.Join(parts, "; ")
}

// setAside parks a poisoned event in the store as a dead letter, still
// sealed as it was on the bus and kept no longer than the bus would have
// kept it, counts it, tells the sender where the event is known, and
// acknowledges it. If the store cannot take it, the event goes back to the
// bus for a later try rather than being lost.
func (g *Dispatcher) setAside(ctx context.Context, d bus.Delivery, ev *core.Event, stage, reason string, inflight *inflight) {
	defer inflight.remove(d.ID)
	now := time.Now()
	err := g.o.Store.PutDeadLetter(context.WithoutCancel(ctx), store.DeadLetter{
		Tenant: d.Tenant, ID: d.ID, Sealed: d.Data, Reason: reason, Time: now, Expires: now.Add(g.o.MaxAge),
	})
	switch {
	case errors.Is(err, store.ErrExists):
		// Parked before (a crash between parking and acking).
	case err != nil:
		g.log.Error("poisoned event not set aside; it will be tried again", "stage", stage, "err", err)
		_ = d.Nak(time.Minute)
		return
	default:
		platform := "unknown"
		if ev != nil {
			platform = string(ev.Source.Platform)
		}
		g.o.DeadLetters.WithLabelValues(platform, stage).Inc()
		g.log.Warn("event set aside as a dead letter", "stage", stage, "platform", platform, "tenant", g.o.Vault.Pseudonym(string(d.Tenant)))
		if ev != nil && stage != "delivery" { // a delivery's failure was already noticed per destination
			g.o.Router.NotifySetAside(context.WithoutCancel(ctx), *ev)
		}
	}
	_ = d.Ack()
}

// inflight tracks deliveries between handling and acknowledgement.
type inflight struct {
	mu sync.Mutex
	m  map[string]bus.Delivery
}

func newInflight() *inflight { return &inflight{m: map[string]bus.Delivery{}} }

// add reports false when a delivery with the same ID is already in flight.
func (f *inflight) add(d bus.Delivery) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.m[d.ID]; dup {
		return false
	}
	f.m[d.ID] = d
	return true
}

func (f *inflight) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, id)
}

func (f *inflight) keepAlive(stop <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			f.mu.Lock()
			ds := make([]bus.Delivery, 0, len(f.m))
			for _, d := range f.m {
				ds = append(ds, d)
			}
			f.mu.Unlock()
			for _, d := range ds {
				_ = d.InProgress()
			}
		}
	}
}
