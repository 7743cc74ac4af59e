package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"parley/internal/core"
	"parley/internal/monitor"
	"parley/internal/policy"
	"parley/internal/store"
)

// Monitoring: the router shows every event that passed the policy to
// watch, which counts it against the link's (and tenant's) limits and
// learned baseline. An alert is stored, counted and sent to the tenant's
// webhook; a crossed limit whose action is block quarantines the link in
// the store, and every node stops relaying it until an admin releases it.

type linkKey struct {
	tenant core.TenantID
	link   core.LinkID
}

// quarantines is the set in force on this node.
type quarantines = map[linkKey]bool

func (g *Gateway) quarantined(t core.TenantID, l core.LinkID) bool {
	if m := g.quarantine.Load(); m != nil {
		return (*m)[linkKey{t, l}]
	}
	return false
}

// watch implements router.Options.Watch.
func (g *Gateway) watch(ctx context.Context, ev core.Event, link core.LinkID, dests []core.ChannelRef) bool {
	if g.quarantined(ev.Tenant, link) {
		return false
	}
	if ev.Kind != core.Posted {
		return true
	}
	set := g.policyFor(ev.Tenant)
	own, tenant := set.Limits(link)
	size := int64(ev.Body.Len())
	for _, f := range ev.Files {
		size += f.Size
	}
	s := monitor.Sample{Tenant: ev.Tenant, Link: link, Files: len(ev.Files), Bytes: size}
	for _, d := range dests {
		s.Dests = append(s.Dests, g.vault.Pseudonym(d.String()))
	}
	alerts, block := g.monitor.Observe(s, own, tenant)
	for _, a := range alerts {
		g.log.Warn("monitoring alert", "tenant", a.Tenant, "link", a.Link, "kind", a.Kind)
		_ = g.alerts.Raise(ctx, a.Tenant, a.Link, a.Kind, a.Detail, webhookOf(set))
	}
	if !block {
		return true
	}
	if g.quarantined(ev.Tenant, link) {
		return false // another event got here first
	}
	if err := g.quarantineLink(ctx, ev.Tenant, link, "limit"); err != nil {
		g.log.Error("link not quarantined", "link", link, "err", err)
	}
	_ = g.alerts.Raise(ctx, ev.Tenant, link, "quarantine", "the link stopped relaying until an admin releases it", webhookOf(set))
	return false
}

// quarantineLink records the quarantine, makes it live here at once and
// tells the other nodes.
func (g *Gateway) quarantineLink(ctx context.Context, t core.TenantID, l core.LinkID, reason string) error {
	g.quarantineMu.Lock()
	next := quarantines{linkKey{t, l}: true}
	if m := g.quarantine.Load(); m != nil {
		for k := range *m {
			next[k] = true
		}
	}
	g.quarantine.Store(&next)
	g.quarantineMu.Unlock()
	if err := g.store.PutQuarantine(ctx, store.Quarantine{Tenant: t, Link: l, Since: time.Now(), Reason: reason}); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if err := g.bus.Announce(configTopic, []byte(`{"what":"quarantine"}`)); err != nil {
		g.log.Warn("quarantine not announced; other nodes pick it up within a minute", "err", err)
	}
	return nil
}

// loadQuarantines puts the stored quarantines in force; a link released
// since the last load starts its windows afresh.
func (g *Gateway) loadQuarantines(ctx context.Context) error {
	qs, err := g.store.Quarantines(ctx)
	if err != nil {
		return err
	}
	next := quarantines{}
	for _, q := range qs {
		next[linkKey{q.Tenant, q.Link}] = true
	}
	g.quarantineMu.Lock()
	defer g.quarantineMu.Unlock()
	if prev := g.quarantine.Load(); prev != nil {
		for k := range *prev {
			if !next[k] {
				g.monitor.Reset(k.tenant, k.link)
			}
		}
	}
	g.quarantine.Store(&next)
	return nil
}

func (g *Gateway) policyFor(t core.TenantID) *policy.Set {
	g.policyMu.Lock()
	defer g.policyMu.Unlock()
	return g.policies[t]
}

func webhookOf(s *policy.Set) string {
	if s == nil {
		return ""
	}
	return s.Webhook
}

// alertOnFinding raises an alert for a policy rule that matched.
func (g *Gateway) alertOnFinding(t core.TenantID, l core.LinkID, f policy.Finding) {
	detail := fmt.Sprintf("rule %q (%s) matched %d times; action %s", f.Rule, f.Detector, f.Count, f.Action)
	err := g.alerts.Raise(context.Background(), t, l, "policy."+f.Action, detail, webhookOf(g.policyFor(t)))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		g.log.Warn("policy alert not stored", "err", err)
	}
}

// rejected counts a request refused for its credentials (kind: a
// platform's signature check, "admin token", …) by where it came from, and raises an
// installation alert when one source sends a burst of them: someone is
// guessing, or a platform's secret was rotated without telling Parley.
func (g *Gateway) rejected(kind string, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	source := g.vault.Pseudonym("source|" + host)
	n, burst := g.monitor.Rejected(kind + "|" + source)
	if !burst {
		return
	}
	g.log.Warn("burst of rejected credentials", "kind", kind, "source", source, "count", n)
	detail := fmt.Sprintf("more than %d rejected %ss within a minute from source %s", monitor.BurstThreshold, kind, source)
	_ = g.alerts.Raise(context.Background(), store.Installation, "", "auth.rejected_burst", detail, "")
}
