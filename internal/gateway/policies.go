package gateway

import (
	"context"
	"fmt"

	"parley/internal/core"
	"parley/internal/policy"
)

// loadPolicies puts every tenant's stored policy in force on this node. A
// tenant whose document cannot be opened or compiled keeps the set it had
// (none at start): a broken row must not lift a policy that was working,
// nor stop the other tenants' policies from loading.
func (g *Gateway) loadPolicies(ctx context.Context) error {
	sets, errs, err := policy.LoadAll(ctx, g.store, g.vault)
	if err != nil {
		return err
	}
	g.policyMu.Lock()
	defer g.policyMu.Unlock()
	for t, err := range errs {
		g.log.Error("policy not loaded; the previous one stays in force", "tenant", t, "err", err)
		if prev := g.policies[t]; prev != nil {
			sets[t] = prev
		}
	}
	g.policies = sets
	g.router.SetPolicies(sets)
	return nil
}

// loadGovernance loads what the admin plane governs: policies and
// quarantines.
func (g *Gateway) loadGovernance(ctx context.Context) error {
	if err := g.loadPolicies(ctx); err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	if err := g.loadQuarantines(ctx); err != nil {
		return fmt.Errorf("load quarantines: %w", err)
	}
	return nil
}

// policyHit counts a policy rule that matched and raises an alert about
// it: labels, counts and the rule's name only, no content.
func (g *Gateway) policyHit(t core.TenantID, l core.LinkID, _ core.ChannelRef, f policy.Finding) {
	g.metrics.PolicyActions.WithLabelValues(f.Action, f.Detector).Inc()
	g.alertOnFinding(t, l, f)
}
