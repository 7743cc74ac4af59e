// Package outbox is an emulator's outbound delivery: the events, activities,
// pushes and webhooks a platform POSTs to apps, sent in order and retried
// along the platform's schedule. Every platform does this its own way, and
// those ways are parameters here (Policy): the schedule, whether a failing
// delivery holds up the ones behind it, and what counts as delivered,
// retryable or refused (the Send a platform writes). What a delivery is —
// its body, headers and signature — stays the platform's.
//
// Retries wait on the emulator's clock: POST {control_url}clock past a
// retry's time sends it at once, as the platform would have during the
// time that jumped by.
//
// An Outbox holds a platform's policy; its Lanes are the ordered queues
// (one per app, per bot, per subscription, or one for the emulator, as the
// platform orders them). Each lane has one goroutine, owned by the
// emulator's Base and stopped by its Close, as are pending retries.
package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/emulator"
)

// Result is what one attempt came to.
type Result int

const (
	// Delivered: the receiver acknowledged it. Nothing more is sent.
	Delivered Result = iota
	// Failed: not acknowledged (an error, a timeout, a status the
	// platform retries). It is retried along the schedule.
	Failed
	// Refused: not acknowledged, and the platform does not retry it (Slack's
	// X-Slack-No-Retry, a 4xx Teams' Connector takes as final, a webhook
	// disabled by this failure). It is given up.
	Refused
	// Dropped: nothing was sent because the delivery has no receiver any
	// more (its webhook was deleted or disabled). It is given up.
	Dropped
)

// Send makes one attempt at a delivery; try is 0 for the first attempt and
// n for retry n. Attempts at one delivery never overlap, so a Send may
// keep state from one try to the next (the reason the last one failed).
// It must return soon after ctx is done.
type Send func(ctx context.Context, try int) Result

// Policy is a platform's delivery rules.
type Policy struct {
	// Name names the outbox in logs ("events", "push").
	Name string
	// Retries are the delays, on the emulator's clock, before retry 1..n
	// of a Failed delivery; none means one attempt only.
	Retries []time.Duration
	// InOrder keeps a failing delivery's retries in its lane: nothing
	// behind it is sent until it is delivered or given up, so a receiver
	// never sees an edit before the message it edits (Teams' Connector,
	// an ordered Pub/Sub subscription). Otherwise its retries run beside
	// the lane and later deliveries may overtake them (Slack's Events API,
	// Webex webhooks): one dead endpoint does not hold the rest up for the
	// whole schedule.
	InOrder bool
}

// Stats count an outbox's deliveries, so that tests can wait for the
// platform to have given up instead of sleeping.
type Stats struct {
	Attempts int64 // attempts that sent something
	Failures int64 // attempts that were not acknowledged
	GivenUp  int64 // deliveries refused, dropped, or out of retries
}

// Outbox delivers by one policy. Create it with New.
type Outbox struct {
	base   *emulator.Base
	policy Policy

	attempts, failures, givenUp atomic.Int64
}

// New returns an outbox whose goroutines and clock are base's.
func New(base *emulator.Base, p Policy) *Outbox {
	return &Outbox{base: base, policy: p}
}

// Stats returns the counters so far.
func (o *Outbox) Stats() Stats {
	return Stats{Attempts: o.attempts.Load(), Failures: o.failures.Load(), GivenUp: o.givenUp.Load()}
}

// Lane is one ordered queue: deliveries pushed to it start in the order
// they were pushed, one at a time.
type Lane struct {
	o *Outbox

	mu    sync.Mutex
	items []Send
	held  bool
	wake  chan struct{}
}

// NewLane returns a lane and starts its goroutine.
func (o *Outbox) NewLane() *Lane {
	l := &Lane{o: o, wake: make(chan struct{}, 1)}
	o.base.Go(l.run)
	return l
}

// Push queues a delivery behind those already pushed. It never blocks, so
// it may be called with the emulator's lock held: pushing under the lock
// that orders the platform's state keeps deliveries in that order.
func (l *Lane) Push(s Send) {
	l.mu.Lock()
	l.items = append(l.items, s)
	l.mu.Unlock()
	l.nudge()
}

// Hold stops (true) or resumes (false) starting deliveries: held ones stay
// queued, in order, as Pub/Sub keeps messages while a push endpoint is
// unreachable. A delivery already started finishes its schedule.
func (l *Lane) Hold(on bool) {
	l.mu.Lock()
	l.held = on
	l.mu.Unlock()
	l.nudge()
}

func (l *Lane) nudge() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run is the lane's goroutine.
func (l *Lane) run(ctx context.Context) {
	for {
		l.mu.Lock()
		if len(l.items) == 0 || l.held {
			l.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
				continue
			}
		}
		s := l.items[0]
		l.items[0] = nil
		l.items = l.items[1:]
		l.mu.Unlock()
		l.o.deliver(ctx, s)
		if ctx.Err() != nil {
			return
		}
	}
}

// deliver makes the first attempt and, if it failed, runs the retries:
// in place when the policy keeps order, else beside the lane.
func (o *Outbox) deliver(ctx context.Context, s Send) {
	r, failedAt := o.attempt(ctx, s, 0)
	if !o.retryable(r) {
		return
	}
	if o.policy.InOrder {
		o.retry(ctx, s, failedAt)
		return
	}
	o.base.Go(func(ctx context.Context) { o.retry(ctx, s, failedAt) })
}

// retry follows the schedule until the delivery is acknowledged, given up,
// or the emulator closes. Each retry is due its delay after the attempt
// before it failed.
func (o *Outbox) retry(ctx context.Context, s Send, failedAt time.Time) {
	for i, d := range o.policy.Retries {
		if !o.base.Clock.Until(ctx, failedAt.Add(d)) {
			return
		}
		var r Result
		if r, failedAt = o.attempt(ctx, s, i+1); !o.retryable(r) {
			return
		}
	}
	if ctx.Err() == nil {
		o.base.Log.Warn("delivery given up after retries", "outbox", o.policy.Name, "tries", len(o.policy.Retries)+1)
		o.givenUp.Add(1)
	}
}

// retryable says whether the delivery still wants a retry, and counts it
// as given up if not and not delivered. With no retries to make, a failure
// is given up here.
func (o *Outbox) retryable(r Result) bool {
	switch r {
	case Delivered:
		return false
	case Refused, Dropped:
		o.givenUp.Add(1)
		return false
	}
	if len(o.policy.Retries) == 0 {
		o.givenUp.Add(1)
		return false
	}
	return true
}

// attempt makes one attempt and counts it. It returns when on the
// emulator's clock the attempt ended, read before the counters move: a
// test that sees a failure counted and then advances the clock has
// advanced it past the start of the wait for the next retry.
func (o *Outbox) attempt(ctx context.Context, s Send, try int) (Result, time.Time) {
	r := s(ctx, try)
	end := o.base.Now()
	if r != Dropped {
		o.attempts.Add(1)
	}
	if r == Failed || r == Refused {
		o.failures.Add(1)
	}
	return r, end
}
