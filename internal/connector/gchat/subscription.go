package gchat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	workspaceevents "google.golang.org/api/workspaceevents/v1"

	"parley/internal/connector"
	"parley/internal/core"
)

// A Workspace Events subscription with includeResource lives at most four
// hours, and once it lapses nothing tells the space's messages to come.
// So the connector keeps every watched space's subscription alive:
//
//   - Its own timer renews a subscription (PATCH ttl 0s, the longest life
//     allowed) once two thirds of its life have passed. The life is what
//     Google answered (expireTime minus updateTime), counted on the
//     connector's clock from when the answer came: Google's timestamps are
//     never compared with ours.
//   - It acts on the lifecycle events Google pushes through the same Pub/Sub
//     subscription: expirationReminder renews at once, expired subscribes
//     again, suspended reactivates.
//   - When a subscription lapsed or was suspended, the messages posted in
//     the gap are read from the space's history once it is subscribed
//     again, and handed to the sink like live events (ID
//     "history:<message>", so a second catch-up of the same message is a
//     redelivery, and the router relays a message it already relayed
//     live no second time).
//
// Failed steps are retried with backoff; a space whose first subscribe
// failed is retried the same way.

// Lifecycle event types the Workspace Events API sends about a
// subscription.
const (
	ceLifecyclePrefix    = "google.workspace.events.subscription.v1."
	ceExpirationReminder = ceLifecyclePrefix + "expirationReminder"
	ceExpired            = ceLifecyclePrefix + "expired"
	ceSuspended          = ceLifecyclePrefix + "suspended"
	// eventsResource prefixes a subscription's full resource name, the
	// source and subject of its lifecycle events.
	eventsResource = "//workspaceevents.googleapis.com/"
)

// Keeping subscriptions alive.
const (
	// renewAt is the part of a subscription's life after which the timer
	// renews it: early enough that an hour-before reminder is a fallback.
	renewAtNum, renewAtDen = 2, 3
	// catchUpLimit bounds the messages read back for one gap.
	catchUpLimit = 1000
	// stepTimeout bounds one renewal, subscribe or catch-up.
	stepTimeout = 30 * time.Second
	// retryMin and retryMax bound the backoff after a failed step.
	retryMin, retryMax = 2 * time.Second, 5 * time.Minute
	// idleWait is how long the runner sleeps with nothing scheduled.
	idleWait = time.Hour
)

// step is what a watched space's subscription needs next.
type step int

const (
	stepRenew      step = iota // PATCH ttl 0s
	stepSubscribe              // create (or find) a subscription
	stepReactivate             // :reactivate a suspended one
	stepCatchUp                // read the gap back from history
	stepNone                   // nothing until the next renewal
)

func (s step) String() string {
	return [...]string{"renew", "subscribe", "reactivate", "catch up", "none"}[s]
}

// watched is one watched space's subscription as the connector knows it.
// Times named google* are on Google's clock, the others on ours.
type watched struct {
	space  string
	client *Client
	name   string // subscriptions/…, "" while there is none

	googleExpire time.Time
	// googleGood is the latest moment the subscription is known to have
	// been delivering: its last update, or the time of an event it brought.
	googleGood time.Time
	// googleGap, when set, is where events may have started to go missing;
	// what was posted after it is caught up once subscribed again, up to
	// googleGapEnd, when the subscription that now serves began to deliver.
	googleGap, googleGapEnd time.Time

	next     step
	due      time.Time
	renewDue time.Time // when the timer renews the current subscription
	backoff  time.Duration
}

// subscriptions keeps the connector's subscriptions alive; Run drives it.
type subscriptions struct {
	conn *Connector
	now  func() time.Time

	mu     sync.Mutex
	spaces map[string]*watched
	byName map[string]*watched
	wake   chan struct{}
}

func newSubscriptions(c *Connector) *subscriptions {
	return &subscriptions{conn: c, now: c.cfg.Now, spaces: map[string]*watched{}, byName: map[string]*watched{}, wake: make(chan struct{}, 1)}
}

func (s *subscriptions) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// entry returns space's record, creating it; s.mu is held.
func (s *subscriptions) entry(space string, cl *Client) *watched {
	w := s.spaces[space]
	if w == nil {
		w = &watched{space: space, next: stepNone}
		s.spaces[space] = w
	}
	w.client = cl
	return w
}

// track records the subscription that now serves space and schedules what
// it needs: reactivation when suspended, else its renewal. One we did not
// just create or renew (found after a restart) is renewed at once: how
// much of its life is left cannot be told without comparing Google's clock
// with ours.
func (s *subscriptions) track(space string, cl *Client, sub *workspaceevents.Subscription, fresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.entry(space, cl)
	s.setLocked(w, sub, fresh)
	s.nudge()
}

// setLocked takes in what Google answered about w's subscription; fresh
// says its life was just (re)started.
func (s *subscriptions) setLocked(w *watched, sub *workspaceevents.Subscription, fresh bool) {
	if w.name != "" && w.name != sub.Name {
		delete(s.byName, w.name)
	}
	w.name = sub.Name
	s.byName[sub.Name] = w
	w.backoff = 0
	updated := googleTime(sub.UpdateTime)
	if updated.IsZero() {
		updated = googleTime(sub.CreateTime)
	}
	w.googleExpire = googleTime(sub.ExpireTime)
	if sub.State == "SUSPENDED" {
		s.gapLocked(w, updated)
		w.next, w.due = stepReactivate, s.now()
		return
	}
	w.googleGood = later(w.googleGood, updated)
	life := w.googleExpire.Sub(updated)
	if life <= 0 || updated.IsZero() {
		life = maxTTLWithResource
	}
	w.renewDue = s.now().Add(life * renewAtNum / renewAtDen)
	if !fresh {
		w.renewDue = s.now()
	}
	w.next, w.due = stepRenew, w.renewDue
	if !w.googleGap.IsZero() {
		// Created or reactivated now: what comes after it arrives live.
		w.googleGapEnd = updated
		w.next, w.due = stepCatchUp, s.now()
	}
}

// gapLocked notes that events after t may be missing; an earlier gap
// still open is kept.
func (s *subscriptions) gapLocked(w *watched, t time.Time) {
	if t.IsZero() {
		t = w.googleGood
	}
	if w.googleGap.IsZero() || (!t.IsZero() && t.Before(w.googleGap)) {
		w.googleGap = t
	}
}

// failed schedules space's first subscribe again after a failure.
func (s *subscriptions) failed(space string, cl *Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.entry(space, cl)
	if w.name == "" {
		s.retryLocked(w, stepSubscribe)
	}
}

func (s *subscriptions) retryLocked(w *watched, next step) {
	w.backoff = min(max(2*w.backoff, retryMin), retryMax)
	w.next, w.due = next, s.now().Add(w.backoff)
}

// heard notes an event that space's subscription delivered, proof it was
// alive when the event happened.
func (s *subscriptions) heard(space string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.spaces[space]; w != nil {
		w.googleGood = later(w.googleGood, at)
	}
}

// lifecycle acts on a lifecycle event; it reports false for a subscription
// that is not (any more) one of ours.
func (s *subscriptions) lifecycle(ce cloudEvent) bool {
	name := strings.TrimPrefix(ce.Source, eventsResource)
	if ce.Data.Subscription != nil && ce.Data.Subscription.Name != "" {
		name = ce.Data.Subscription.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.byName[name]
	if w == nil {
		return false
	}
	now := s.now()
	switch ce.Type {
	case ceExpirationReminder:
		w.googleGood = later(w.googleGood, ce.Time)
		if w.next == stepRenew || w.next == stepNone {
			w.next, w.due = stepRenew, now
		}
	case ceExpired:
		// Google deletes an expired subscription: a new one is needed,
		// and what was posted since it expired must be caught up.
		at := ce.Data.Subscription.expire()
		if at.IsZero() {
			at = w.googleExpire
		}
		s.gapLocked(w, at)
		delete(s.byName, w.name)
		w.name = ""
		w.next, w.due, w.backoff = stepSubscribe, now, 0
	case ceSuspended:
		s.gapLocked(w, ce.Time)
		w.next, w.due, w.backoff = stepReactivate, now, 0
	default:
		return true // a lifecycle event of a kind added later: ignored
	}
	s.nudge()
	return true
}

// forget drops a tenant's domain's spaces, when it is uninstalled.
func (s *subscriptions) forget(tenant core.TenantID, domain core.WorkspaceID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for space, w := range s.spaces {
		if w.client.id.tenant == tenant && w.client.id.domain == domain {
			delete(s.spaces, space)
			delete(s.byName, w.name)
		}
	}
}

// Run keeps the watched spaces' subscriptions alive until ctx is done; see
// subscriptions. The gateway runs it once (connector.Runner).
func (c *Connector) Run(ctx context.Context) {
	s := c.subs
	timer := time.NewTimer(idleWait)
	defer timer.Stop()
	for ctx.Err() == nil {
		w, next, wait := s.due()
		if w != nil {
			s.perform(ctx, w, next)
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// due returns a space whose step is due now, or how long until one is.
func (s *subscriptions) due() (*watched, step, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	wait := idleWait
	for _, w := range s.spaces {
		if w.next == stepNone {
			continue
		}
		if !w.due.After(now) {
			return w, w.next, 0
		}
		wait = min(wait, w.due.Sub(now))
	}
	return nil, stepNone, wait
}

// perform takes w's next step and schedules the one after.
func (s *subscriptions) perform(ctx context.Context, w *watched, next step) {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	s.mu.Lock()
	name, cl, space, gap, gapEnd := w.name, w.client, w.space, w.googleGap, w.googleGapEnd
	s.mu.Unlock()
	log := s.conn.cfg.Logger.With("platform", string(core.GChat), "step", next.String())

	var sub *workspaceevents.Subscription
	fresh := true
	var err error
	switch next {
	case stepRenew:
		sub, err = cl.renew(ctx, name)
	case stepReactivate:
		// Reactivation keeps the old expiry: renew next.
		sub, err = cl.reactivate(ctx, name)
		fresh = false
	case stepSubscribe:
		sub, fresh, err = cl.subscribe(ctx, space)
	case stepCatchUp:
		var n int
		n, err = s.catchUp(ctx, cl, space, gap, gapEnd)
		s.mu.Lock()
		if err == nil && w.googleGap.Equal(gap) {
			w.googleGap = time.Time{}
			log.Info("gchat subscription gap caught up", "messages", n)
		}
		s.mu.Unlock()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spaces[space] != w || (next != stepSubscribe && w.name != name) {
		return // forgotten, or a lifecycle event moved it on meanwhile
	}
	switch {
	case err == nil && sub != nil:
		if next != stepRenew {
			log.Info("gchat subscription restored")
		}
		s.setLocked(w, sub, fresh)
	case err == nil: // caught up: back to the renewal schedule
		w.backoff = 0
		w.next, w.due = stepRenew, w.renewDue
		if !w.googleGap.IsZero() { // a newer gap opened meanwhile
			w.next, w.due = stepCatchUp, s.now()
		}
	case errors.Is(err, connector.ErrNotFound) && (next == stepRenew || next == stepReactivate):
		// Gone: expired (its expired event may still be on its way) or
		// deleted. Subscribe again, catching up from its last sign of life.
		log.Warn("gchat subscription gone; subscribing again")
		s.gapLocked(w, w.googleGood)
		delete(s.byName, w.name)
		w.name = ""
		w.next, w.due, w.backoff = stepSubscribe, s.now(), 0
	case errors.Is(err, errNotSuspended):
		w.next, w.due = stepRenew, s.now()
	default:
		log.Warn("gchat subscription step failed; retrying", "err", err)
		s.retryLocked(w, next)
	}
}

// catchUp hands what was posted in space from gap until end (when known)
// to the sink, skipping what it already has.
func (s *subscriptions) catchUp(ctx context.Context, cl *Client, space string, gap, end time.Time) (int, error) {
	sink := s.conn.sink()
	if sink == nil {
		return 0, errors.New("no sink yet: the handler is not mounted")
	}
	events, err := cl.historyBetween(ctx, space, gap, end, catchUpLimit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ev := range events {
		first, err := sink.FirstSeen(ctx, core.GChat, ev.ID)
		if err != nil {
			return n, err
		}
		if !first {
			continue
		}
		if err := sink.Accept(ctx, ev); err != nil {
			_ = sink.Forget(ctx, core.GChat, ev.ID)
			return n, err
		}
		cl.noteAuthor(ev.Author)
		n++
	}
	return n, nil
}

// errNotSuspended is :reactivate's answer for an active subscription.
var errNotSuspended = errors.New("subscription is not suspended")

// renew extends name's life to the longest allowed.
func (c *Client) renew(ctx context.Context, name string) (*workspaceevents.Subscription, error) {
	op, err := c.events.Subscriptions.Patch(name, &workspaceevents.Subscription{Ttl: "0s"}).UpdateMask("ttl").Context(ctx).Do()
	if err != nil {
		return nil, mapError("subscriptions.patch", err)
	}
	return c.operationSubscription(ctx, op, name)
}

// reactivate resumes a suspended subscription.
func (c *Client) reactivate(ctx context.Context, name string) (*workspaceevents.Subscription, error) {
	op, err := c.events.Subscriptions.Reactivate(name, &workspaceevents.ReactivateSubscriptionRequest{}).Context(ctx).Do()
	if isStatus(err, http.StatusBadRequest) {
		// FAILED_PRECONDITION: it is not suspended (any more).
		return nil, errNotSuspended
	}
	if err != nil {
		return nil, mapError("subscriptions.reactivate", err)
	}
	return c.operationSubscription(ctx, op, name)
}

// operationSubscription is the subscription a finished operation carries,
// or, while it runs, the subscription as it stands.
func (c *Client) operationSubscription(ctx context.Context, op *workspaceevents.Operation, name string) (*workspaceevents.Subscription, error) {
	if op.Done && op.Error == nil && len(op.Response) > 0 {
		var sub workspaceevents.Subscription
		if err := json.Unmarshal(op.Response, &sub); err == nil && sub.Name != "" {
			return &sub, nil
		}
	}
	if op.Error != nil {
		return nil, errors.New("gchat subscription operation failed: " + op.Error.Message)
	}
	sub, err := c.events.Subscriptions.Get(name).Context(ctx).Do()
	if err != nil {
		return nil, mapError("subscriptions.get", err)
	}
	return sub, nil
}

func googleTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// maxTTLWithResource is the longest life of a subscription whose events
// carry the resource, Google's documented four hours; it stands in when an
// answer lacks the times.
const maxTTLWithResource = 4 * time.Hour

var _ connector.Runner = (*Connector)(nil)
