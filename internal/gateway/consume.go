package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"parley/internal/bus"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/store"
)

// heartbeat is how often in-flight deliveries tell the bus they are still
// being worked on. It must be well under the bus's AckWait (30 s).
const heartbeat = 10 * time.Second

// consume feeds the bus to the router. A bus message is acknowledged when
// every destination has it (or has definitively failed), so a crash before
// that redelivers it. While a destination is slow or down the message stays
// in flight: the bus is told so regularly, and should it redeliver anyway,
// the copy is ignored rather than queued a second time.
func (g *Gateway) consume(ctx context.Context) {
	if g.cfg.Bus.URL == "" {
		// Single node: start over at the oldest unacknowledged event so
		// that what was in flight at a crash goes first, in order.
		if err := g.bus.ResetConsumer(ctx); err != nil {
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

	err := g.bus.Consume(ctx, func(ctx context.Context, d bus.Delivery) {
		if !inflight.add(d) {
			return // a redelivery of what is still being delivered
		}
		g.handle(ctx, runCtx, d, inflight)
	})
	if err != nil && ctx.Err() == nil {
		g.log.Error("bus consumer stopped", "err", err)
	}
}

// handle decrypts, decodes and routes one bus message. A panic anywhere on
// its way — here, in routing, or in a delivery attempt — sets the event
// aside as a dead letter and acknowledges it, so that a poisoned event is
// handled once instead of coming back first after every restart.
func (g *Gateway) handle(ctx, runCtx context.Context, d bus.Delivery, inflight *inflight) {
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
	plain, err := g.vault.Open(ctx, d.Tenant, d.Data, eventAAD(d.Tenant))
	if err != nil {
		g.log.Error("undecryptable event dropped", "tenant", g.vault.Pseudonym(string(d.Tenant)), "err", err)
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
		g.log.Error("event dropped: its tenant differs from its bus subject's", "tenant", g.vault.Pseudonym(string(d.Tenant)))
		ack()
		return
	}
	if err := g.catchup.Seen(ctx, *ev); err != nil {
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
		g.router.Route(runCtx, e, func(err error) {
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
func (g *Gateway) setAside(ctx context.Context, d bus.Delivery, ev *core.Event, stage, reason string, inflight *inflight) {
	defer inflight.remove(d.ID)
	now := time.Now()
	err := g.store.PutDeadLetter(context.WithoutCancel(ctx), store.DeadLetter{
		Tenant: d.Tenant, ID: d.ID, Sealed: d.Data, Reason: reason, Time: now, Expires: now.Add(g.cfg.Bus.MaxAge),
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
		g.metrics.DeadLetters.WithLabelValues(platform, stage).Inc()
		g.log.Warn("event set aside as a dead letter", "stage", stage, "platform", platform, "tenant", g.vault.Pseudonym(string(d.Tenant)))
		if ev != nil && stage != "delivery" { // a delivery's failure was already noticed per destination
			g.router.NotifySetAside(context.WithoutCancel(ctx), *ev)
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
