package gateway

import (
	"context"
	"sync"
	"time"

	"parley/internal/core"
)

// health tracks which destination workspaces reject Parley's credentials
// (a revoked or expired token). Admins are told once when that starts, in
// the log, the metrics and the store's workspace record, and again when it
// recovers; deliveries meanwhile wait within their time-to-live.
type health struct {
	g    *Gateway
	mu   sync.Mutex
	sick map[wsKey]bool
}

func (h *health) report(tenant core.TenantID, dest core.ChannelRef, ok bool) {
	k := wsKey{tenant, dest.Platform, dest.Workspace}
	h.mu.Lock()
	was := h.sick[k]
	if was == !ok {
		h.mu.Unlock()
		return
	}
	if h.sick == nil {
		h.sick = map[wsKey]bool{}
	}
	h.sick[k] = !ok
	h.mu.Unlock()

	pseudo := h.g.vault.Pseudonym(string(tenant) + "|" + string(dest.Platform) + "|" + string(dest.Workspace))
	if ok {
		h.g.metrics.Unhealthy.DeleteLabelValues(string(dest.Platform), pseudo)
		h.g.log.Info("workspace accepts Parley's credentials again", "platform", dest.Platform, "workspace", pseudo)
	} else {
		h.g.metrics.Unhealthy.WithLabelValues(string(dest.Platform), pseudo).Set(1)
		h.g.log.Error("workspace rejects Parley's credentials: an admin must reconnect it; its messages wait until then",
			"platform", dest.Platform, "workspace", pseudo)
	}
	h.mark(tenant, dest, ok)
}

// mark records the state on the workspace's row, so the admin API and
// every node see it.
func (h *health) mark(tenant core.TenantID, dest core.ChannelRef, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	all, err := h.g.store.Workspaces(ctx, tenant)
	if err != nil {
		return
	}
	for _, w := range all {
		if w.Platform == dest.Platform && w.ID == dest.Workspace && w.Healthy != ok {
			w.Healthy, w.Updated = ok, time.Now()
			if err := h.g.store.PutWorkspace(ctx, w); err != nil {
				h.g.log.Warn("workspace health not recorded", "err", err)
			}
		}
	}
}
