package gateway

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"parley/internal/bus"
	"parley/internal/core"
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
		ack := func() {
			inflight.remove(d.ID)
			_ = d.Ack()
		}
		plain, err := g.vault.Open(ctx, d.Tenant, d.Data, eventAAD(d.Tenant))
		if err != nil {
			g.log.Error("undecryptable event dropped", "tenant", g.vault.Pseudonym(string(d.Tenant)), "err", err)
			ack()
			return
		}
		var ev core.Event
		if err := json.Unmarshal(plain, &ev); err != nil {
			g.log.Error("undecodable event dropped", "err", err)
			ack()
			return
		}
		if err := g.catchup.Seen(ctx, ev); err != nil {
			g.log.Warn("catch-up cursor not recorded", "err", err)
		}
		g.hold.offer(ev, func() { g.router.Route(runCtx, ev, func(error) { ack() }) })
	})
	if err != nil && ctx.Err() == nil {
		g.log.Error("bus consumer stopped", "err", err)
	}
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
