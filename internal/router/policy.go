package router

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/policy"
	"parley/internal/store"
)

// Policies are applied in Route, before any job reaches a lane: a blocked
// message, a held-back file or a restricted person's post never exists in
// a destination's queue, so no retry, crash or slow lane can leak it.

// SetPolicies replaces every tenant's compiled policy (a tenant absent
// from the map has none).
func (r *Router) SetPolicies(sets map[core.TenantID]*policy.Set) {
	m := make(map[core.TenantID]*policy.Set, len(sets))
	for t, s := range sets {
		m[t] = s
	}
	r.policies.Store(&m)
}

func (r *Router) policyOf(t core.TenantID) *policy.Set {
	if m := r.policies.Load(); m != nil {
		return (*m)[t]
	}
	return nil
}

// applyPolicy returns the event as it may leave (masked, without refused
// files) and the destinations it may go to: none when it is blocked. The
// sender is told of anything held back.
func (r *Router) applyPolicy(ctx context.Context, ev core.Event, link *store.Link, dests []core.ChannelRef) (core.Event, []core.ChannelRef) {
	set := r.policyOf(ev.Tenant)
	if set == nil {
		return ev, dests
	}
	who := policy.Sender{Email: ev.Author.Email, Guest: ev.Author.Guest}
	if who.Email == "" && set.NeedsSender(link.ID) {
		who = r.sender(ctx, ev)
	}
	d := set.Check(link.ID, ev, who)
	for _, f := range d.Findings {
		if r.policyHit != nil {
			r.policyHit(ev.Tenant, link.ID, ev.Source, f)
		}
	}
	what := "message"
	if ev.Kind == core.Edited {
		what = "edit"
	}
	if d.Blocked != nil {
		r.log.Info("blocked by policy", "kind", ev.Kind, "link", link.ID, "rule", d.Blocked.Detector)
		r.tell(ev, fmt.Sprintf("🚫 Parley did not share this %s outside this channel: it contains a %s, which the policy of this shared channel does not allow (rule “%s”). Remove it and post again.",
			what, describeFinding(*d.Blocked), d.Blocked.Rule))
		return ev, nil
	}
	if d.Internal {
		kept := dests[:0:0]
		for _, dst := range dests {
			if dst.Platform == ev.Source.Platform && dst.Workspace == ev.Source.Workspace {
				kept = append(kept, dst)
			}
		}
		if len(kept) < len(dests) && ev.Kind == core.Posted {
			r.tell(ev, "🔒 Parley did not share this message outside your company: an administrator has restricted your messages to your own workspace.")
		}
		dests = kept
	}
	if len(d.Dropped) > 0 {
		r.tell(ev, "📎 Parley did not share these files outside this channel: "+strings.Join(d.Dropped, "; ")+".")
	}
	ev.Body, ev.Files = d.Body, d.Files
	if ev.Kind == core.Posted && ev.Body.IsEmpty() && len(ev.Files) == 0 {
		return ev, nil // only files, all held back
	}
	return ev, dests
}

func describeFinding(f policy.Finding) string {
	if f.Detector == policy.DetectRegex {
		return "text matching “" + f.Rule + "”"
	}
	return policy.Describe(f.Detector)
}

// sender looks the author up at the source, for rules about who sends.
func (r *Router) sender(ctx context.Context, ev core.Event) policy.Sender {
	src, err := r.clients.Client(ev.Tenant, ev.Source.Platform, ev.Source.Workspace)
	if err != nil {
		return policy.Sender{}
	}
	dir, ok := src.(connector.Directory)
	if !ok || ev.Author.ID == "" {
		return policy.Sender{}
	}
	a, err := dir.User(ctx, ev.Author.ID)
	if err != nil {
		r.log.Warn("sender not looked up for policy", "platform", ev.Source.Platform, "reason", delivery.Reason(err))
		return policy.Sender{}
	}
	return policy.Sender{Email: a.Email, Guest: a.Guest || ev.Author.Guest}
}

// tell queues a notice to the sender in the source channel's own lane, so
// Route never waits on the source platform.
func (r *Router) tell(ev core.Event, text string) {
	r.lanes.Submit(string(ev.Tenant)+"|"+ev.Source.String(), delivery.Job{
		Do:       func(ctx context.Context) error { r.notice(ctx, ev, text); return nil },
		Done:     func(error, int) {},
		Deadline: time.Now().Add(r.ttl),
	})
}
