package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/msgmap"
	"parley/internal/policy"
	"parley/internal/store"
)

// Observer is told the outcome of every delivery, for the traffic log and
// metrics. It must not block.
type Observer interface {
	Delivered(ctx context.Context, ev core.Event, dest core.ChannelRef, err error, attempts int)
}

// Clients finds the client of a workspace installed for a tenant. The
// tenant is part of the key: an event is only ever sent with, and rendered
// through, the clients of its own tenant's workspaces.
type Clients interface {
	Client(t core.TenantID, p core.Platform, ws core.WorkspaceID) (connector.Client, error)
}

// Router routes events to their destinations.
type Router struct {
	clients Clients
	msgs    *msgmap.Map
	lanes   *delivery.Lanes
	log     *slog.Logger
	ttl     time.Duration
	names   func(core.TenantID, core.Platform, core.WorkspaceID) string
	pseudo  func(string) string
	observe Observer
	noticed func(core.Platform)
	health  func(core.TenantID, core.ChannelRef, bool)
	// policyHit is told every policy rule that matched (policy.go).
	policyHit func(core.TenantID, core.LinkID, core.ChannelRef, policy.Finding)
	watch     func(context.Context, core.Event, core.LinkID, []core.ChannelRef) bool

	links    atomic.Pointer[links]
	policies atomic.Pointer[map[core.TenantID]*policy.Set]
}

// Options configures a Router.
type Options struct {
	Clients  Clients
	Messages *msgmap.Map
	Lanes    *delivery.Lanes
	Logger   *slog.Logger
	// DeliveryTTL bounds how long one delivery is retried.
	DeliveryTTL time.Duration
	// WorkspaceName names a workspace for display next to authors
	// ("Alice (acme)"), so people can tell which company someone is from.
	WorkspaceName func(core.TenantID, core.Platform, core.WorkspaceID) string
	// Pseudonym turns IDs into keyed hashes for logs.
	Pseudonym func(string) string
	// Observer, if set, is told every delivery's outcome.
	Observer Observer
	// Noticed, if set, is called when a failure notice reached a sender.
	Noticed func(core.Platform)
	// Health, if set, is told after each attempt whether a destination
	// workspace accepted Parley's credentials (false: rejected them).
	Health func(tenant core.TenantID, dest core.ChannelRef, ok bool)
	// PolicyHit, if set, is told every policy rule that matched an event
	// (blocking, redacting or alerting), content-free. It must not block.
	PolicyHit func(tenant core.TenantID, link core.LinkID, source core.ChannelRef, f policy.Finding)
	// Watch, if set, sees every event that passed the policy, with the
	// destinations it is about to go to, and says whether its link may
	// relay (false: the link is quarantined). Monitoring counts here.
	Watch func(ctx context.Context, ev core.Event, link core.LinkID, dests []core.ChannelRef) bool
}

// New returns a router with no links.
func New(o Options) *Router {
	r := &Router{clients: o.Clients, msgs: o.Messages, lanes: o.Lanes, log: o.Logger, ttl: o.DeliveryTTL, names: o.WorkspaceName, pseudo: o.Pseudonym, observe: o.Observer, noticed: o.Noticed, health: o.Health, policyHit: o.PolicyHit, watch: o.Watch}
	r.links.Store(indexLinks(nil))
	return r
}

// SetLinks replaces the set of links.
func (r *Router) SetLinks(all []store.Link) { r.links.Store(indexLinks(all)) }

// Route submits ev to every destination of its room and calls done once
// all of them finished (delivered, or given up on). done receives every
// destination's error joined (nil if all delivered); one that wraps
// delivery.ErrPanicked means the event is poisoned and should be set aside.
// A panic in Route itself propagates: the caller owns the event and
// isolates it (the gateway dead-letters it).
func (r *Router) Route(ctx context.Context, ev core.Event, done func(error)) {
	ls := r.links.Load()
	link := ls.room(ev.Tenant, ev.Source)
	dests := ls.destinations(ev.Tenant, ev.Source)
	if len(dests) == 0 {
		done(nil)
		return
	}
	if echo, err := r.msgs.IsCopy(ctx, ev.Tenant, ev.MessageRef()); err == nil && echo && ev.Kind == core.Posted {
		r.log.Debug("echo dropped", "platform", ev.Source.Platform)
		done(nil)
		return
	}
	if ev, dests = r.applyPolicy(ctx, ev, link, dests); len(dests) == 0 {
		done(nil)
		return
	}
	if r.watch != nil && !r.watch(ctx, ev, link.ID, dests) {
		if ev.Kind == core.Posted {
			r.tell(ev, "⏸️ Parley has paused sharing in this channel after unusual activity, until an administrator releases it. Your message was not shared outside this channel.")
		}
		done(nil)
		return
	}

	var (
		mu      sync.Mutex
		pending = len(dests)
		errs    []error
	)
	finish := func(dest core.ChannelRef, err error, attempts int) {
		if r.observe != nil {
			r.observe.Delivered(ctx, ev, dest, err, attempts)
		}
		if err != nil {
			r.log.Warn("delivery failed", "kind", ev.Kind, "to", dest.Platform, "channel", r.pseudo(dest.String()), "reason", delivery.Reason(err), "err", err)
			r.notifySender(ctx, ev, dest, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("to %s: %w", dest.Platform, err))
		}
		if pending--; pending == 0 {
			done(errors.Join(errs...))
		}
	}
	deadline := ev.Time.Add(r.ttl)
	if ev.Time.IsZero() {
		deadline = time.Now().Add(r.ttl)
	}
	for _, dest := range dests {
		r.lanes.Submit(string(ev.Tenant)+"|"+dest.String(), delivery.Job{
			Do:       func(ctx context.Context) error { return r.attempt(ctx, ev, dest) },
			Done:     func(err error, attempts int) { finish(dest, err, attempts) },
			Deadline: deadline,
			Breaker:  string(ev.Tenant) + "|" + string(dest.Platform) + "|" + string(dest.Workspace),
		})
	}
}

// attempt is one try at delivering ev to dest. A destination that rejects
// Parley's credentials is reported at once — the delivery itself keeps
// waiting within its time-to-live for the workspace to be reconnected.
func (r *Router) attempt(ctx context.Context, ev core.Event, dest core.ChannelRef) error {
	err := r.deliver(ctx, ev, dest)
	if r.health != nil {
		switch {
		case errors.Is(err, connector.ErrAuth):
			r.health(ev.Tenant, dest, false)
		case err == nil:
			r.health(ev.Tenant, dest, true)
		}
	}
	return err
}

// deliver performs ev at one destination.
func (r *Router) deliver(ctx context.Context, ev core.Event, dest core.ChannelRef) error {
	client, err := r.clients.Client(ev.Tenant, dest.Platform, dest.Workspace)
	if err != nil {
		return fmt.Errorf("destination workspace: %w", err)
	}
	switch ev.Kind {
	case core.Posted:
		return r.post(ctx, ev, dest, client)
	case core.Edited:
		return r.edit(ctx, ev, dest, client)
	case core.Deleted:
		return r.delete(ctx, ev, dest, client)
	case core.ReactionAdded, core.ReactionRemoved:
		return r.react(ctx, ev, dest, client)
	default:
		return fmt.Errorf("event kind %q: %w", ev.Kind, connector.ErrPermanent)
	}
}

// copyOf finds the copy in dest of the message msg (in ev's source channel).
func (r *Router) copyOf(ctx context.Context, ev core.Event, msg core.MessageID, dest core.ChannelRef) (core.MessageID, error) {
	id, err := r.msgs.Find(ctx, ev.Tenant, core.MessageRef{ChannelRef: ev.Source, Message: msg}, dest)
	if errors.Is(err, msgmap.ErrNotFound) {
		// Posted before the link existed, or expired: nothing to change.
		return "", fmt.Errorf("no copy of the message at the destination: %w", connector.ErrNotFound)
	}
	return id, err
}
