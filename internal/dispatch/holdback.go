package dispatch

import (
	"context"
	"slices"
	"sync"
	"time"

	"parley/internal/catchup"
	"parley/internal/connector"
	"parley/internal/core"
)

// holdback keeps a channel's events in source order across a restart. At
// start, what was posted while the gateway was down comes from two places
// at once: catch-up reads it from history, and the platforms redeliver it
// (late, beside newer live events). Until a channel's catch-up has passed
// through the bus, every event from that channel is held; then the held
// events are routed sorted by their time at the source, and the channel's
// events flow directly again. Duplicates among them (the same message live
// and from history) are dropped by the router's message map.
type holdback struct {
	mu    sync.Mutex
	chans map[holdKey]*held
}

type holdKey struct {
	tenant core.TenantID
	ch     core.ChannelRef
}

type held struct {
	events []heldEvent
	// expect is the catch-up events published for the channel and not yet
	// consumed; done says catch-up has finished publishing.
	expect map[core.EventID]bool
	done   bool
}

type heldEvent struct {
	ev    core.Event
	route func()
}

func newHoldback(pending []catchup.Pending) *holdback {
	h := &holdback{chans: map[holdKey]*held{}}
	for _, p := range pending {
		h.chans[holdKey{p.Tenant, p.Channel}] = &held{expect: map[core.EventID]bool{}}
	}
	return h
}

// offer routes ev now, or holds it while its channel is being caught up.
func (h *holdback) offer(ev core.Event, route func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := holdKey{ev.Tenant, ev.Source}
	c := h.chans[k]
	if c == nil {
		route()
		return
	}
	c.events = append(c.events, heldEvent{ev, route})
	delete(c.expect, ev.ID)
	h.flushIfReady(k, c)
}

// published notes a catch-up event on its way into the bus.
func (h *holdback) published(ev core.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.chans[holdKey{ev.Tenant, ev.Source}]; c != nil {
		c.expect[ev.ID] = true
	}
}

// unpublished withdraws a catch-up event whose publish failed.
func (h *holdback) unpublished(ev core.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := holdKey{ev.Tenant, ev.Source}
	if c := h.chans[k]; c != nil {
		delete(c.expect, ev.ID)
		h.flushIfReady(k, c)
	}
}

// holdLimit bounds the wait for published catch-up events to be consumed
// once catch-up is done. The bus silently drops a publish it has seen in
// its duplicate window (an earlier start's catch-up of the same message),
// and a channel must not stay held for such a phantom; the consumer takes
// a real one within milliseconds.
const holdLimit = 5 * time.Second

// caughtUp is called once per channel when its catch-up has finished,
// successfully or not: either way its live events must not wait longer.
func (h *holdback) caughtUp(p catchup.Pending, _ error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := holdKey{p.Tenant, p.Channel}
	c := h.chans[k]
	if c == nil {
		return
	}
	c.done = true
	h.flushIfReady(k, c)
	if h.chans[k] != nil {
		time.AfterFunc(holdLimit, func() { h.release(k) })
	}
}

// release flushes a channel whatever it still expects.
func (h *holdback) release(k holdKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.chans[k]; c != nil {
		clear(c.expect)
		h.flushIfReady(k, c)
	}
}

// flushIfReady routes a channel's held events, oldest first, once catch-up
// is done and every event it published has been consumed. h.mu is held;
// route only submits to delivery lanes, so it does not block.
func (h *holdback) flushIfReady(k holdKey, c *held) {
	if !c.done || len(c.expect) > 0 {
		return
	}
	slices.SortStableFunc(c.events, func(a, b heldEvent) int { return a.ev.Time.Compare(b.ev.Time) })
	for _, e := range c.events {
		e.route()
	}
	delete(h.chans, k)
}

// holdSink is catch-up's sink: it tells the holdback what to wait for
// before publishing like any inbound event.
type holdSink struct {
	connector.Sink
	hold *holdback
}

func (s holdSink) Accept(ctx context.Context, ev core.Event) error {
	s.hold.published(ev)
	err := s.Sink.Accept(ctx, ev)
	if err != nil {
		s.hold.unpublished(ev)
	}
	return err
}

var _ connector.Sink = holdSink{}
