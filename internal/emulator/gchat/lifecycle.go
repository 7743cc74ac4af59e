package gchat

import (
	"context"
	"net/http"
	"slices"
	"time"

	"parley/internal/emulator"
)

// Lifecycle event types the Workspace Events API sends about a
// subscription, through the subscription's own notification endpoint.
const (
	ceExpirationReminder = "google.workspace.events.subscription.v1.expirationReminder"
	ceExpired            = "google.workspace.events.subscription.v1.expired"
	ceSuspended          = "google.workspace.events.subscription.v1.suspended"
	eventsTarget         = "//workspaceevents.googleapis.com/"
)

// reminderLeads are when expiration reminders go out: 12 hours and one
// hour before expireTime. A reminder whose time falls before the
// subscription's last create or update is never sent (a 4-hour
// subscription gets only the one-hour reminder).
var reminderLeads = []time.Duration{12 * time.Hour, time.Hour}

// due is one lifecycle event owed at a time.
type due struct {
	at   time.Time
	sub  *subscription
	typ  string
	lead time.Duration // for reminders
}

// lifecycleLocked sends every lifecycle event owed up to now, oldest
// first (a clock that jumped past a reminder and an expiry sends both, in
// that order, each stamped with when it fell due), deletes what expired,
// and returns when the next one falls due (zero: nothing scheduled). The
// caller holds e.mu.
func (e *Emulator) lifecycleLocked(now time.Time) time.Time {
	var owed []due
	var next time.Time
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, sub := range e.st.subs {
		for _, lead := range reminderLeads {
			at := sub.expire.Add(-lead)
			if at.Before(sub.updated) || slices.Contains(sub.reminded, lead) {
				continue
			}
			if at.After(now) {
				later(at)
				continue
			}
			owed = append(owed, due{at: at, sub: sub, typ: ceExpirationReminder, lead: lead})
		}
		if sub.expire.After(now) {
			later(sub.expire)
			continue
		}
		owed = append(owed, due{at: sub.expire, sub: sub, typ: ceExpired})
	}
	slices.SortFunc(owed, func(a, b due) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.sub.seq - b.sub.seq
	})
	for _, d := range owed {
		switch d.typ {
		case ceExpirationReminder:
			d.sub.reminded = append(d.sub.reminded, d.lead)
		case ceExpired:
			// Expired subscriptions are deleted for good; the app must
			// create a new one.
			delete(e.st.subs, d.sub.name)
		}
		e.pushLifecycle(d.sub, d.typ, d.at)
	}
	return next
}

// pushLifecycle sends a lifecycle event about sub: source and subject are
// the subscription, data is {"subscription": <the resource>}.
func (e *Emulator) pushLifecycle(sub *subscription, typ string, at time.Time) {
	e.pushEvent(sub, typ, eventsTarget+sub.name, at, map[string]any{"subscription": e.subscriptionJSON(sub)})
}

// lifecycleChanged is called, with e.mu held, when a subscription was
// created, renewed or deleted: the lifecycle goroutine starts with the
// first one and looks at its schedule again.
func (e *Emulator) lifecycleChanged() {
	e.lifecycleStart.Do(func() { e.base.Go(e.runLifecycle) })
	select {
	case e.lifecycleWake <- struct{}{}:
	default:
	}
}

// clockAdvanced sends what fell due while the clock jumped, before the
// control call that moved it returns.
func (e *Emulator) clockAdvanced(now time.Time) {
	e.mu.Lock()
	e.lifecycleLocked(now)
	e.mu.Unlock()
	select {
	case e.lifecycleWake <- struct{}{}:
	default:
	}
}

// runLifecycle sends lifecycle events as real time reaches them; an
// advance of the clock or a changed subscription wakes it early. It is
// owned by the Emulator and stops on Close.
func (e *Emulator) runLifecycle(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		e.mu.Lock()
		now := e.now()
		next := e.lifecycleLocked(now)
		e.mu.Unlock()
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(now), time.Millisecond)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-e.lifecycleWake:
		case <-timer.C:
		}
	}
}

// controlSuspend suspends subscriptions, as the Workspace Events API does
// when an error stops them receiving events: POST
// {control_url}subscriptions/suspend with {"workspace": "<domain>",
// "reason": "<ErrorType>"} suspends every active subscription to a space
// of that domain and sends each a suspended lifecycle event. The reason
// defaults to USER_AUTHORIZATION_FAILURE.
func (e *Emulator) controlSuspend(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Workspace string `json:"workspace"`
		Reason    string `json:"reason"`
	}
	if err := emulator.DecodeControl(r.Body, &req); err != nil || req.Workspace == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "want {\"workspace\": \"<domain>\", \"reason\": \"<ErrorType>\"}"})
		return
	}
	if req.Reason == "" {
		req.Reason = "USER_AUTHORIZATION_FAILURE"
	}
	if !suspensionReasons[req.Reason] {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "unknown reason: use one of the API's ErrorType values"})
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	var hit []*subscription
	for _, sub := range e.st.subs {
		if sub.state == stateActive && now.Before(sub.expire) && e.subDomain(sub) == req.Workspace {
			hit = append(hit, sub)
		}
	}
	slices.SortFunc(hit, func(a, b *subscription) int { return a.seq - b.seq })
	for _, sub := range hit {
		sub.state, sub.suspension, sub.updated = stateSuspended, req.Reason, now
		e.pushLifecycle(sub, ceSuspended, now)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "suspended": len(hit)})
}

// subDomain is the domain a subscription's target belongs to: its space's,
// or for spaces/- its user's. The caller holds e.mu.
func (e *Emulator) subDomain(sub *subscription) string {
	if s := e.st.spaces[sub.space]; s != nil {
		return s.domain
	}
	if u := e.st.users[sub.authUser]; u != nil {
		return u.domain
	}
	return ""
}

// controlPubSub holds or resumes every app's Pub/Sub push delivery: POST
// {control_url}pubsub with {"held": true} keeps what is published queued,
// as Pub/Sub retains messages while a push endpoint is unreachable;
// {"held": false} sends them, in order.
func (e *Emulator) controlPubSub(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Held *bool `json:"held"`
	}
	if err := emulator.DecodeControl(r.Body, &req); err != nil || req.Held == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "want {\"held\": true|false}"})
		return
	}
	e.mu.Lock()
	apps := make([]*app, 0, len(e.st.apps))
	for _, a := range e.st.apps {
		apps = append(apps, a)
	}
	e.mu.Unlock()
	for _, a := range apps {
		a.pushes.Hold(*req.Held)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
