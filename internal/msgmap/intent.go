package msgmap

import (
	"context"

	"parley/internal/core"
)

// DeliveryKey is the opaque idempotency key of delivering the message src
// to the channel dest: stable across attempts and processes, meaningless
// without the tenant's index key, so it can travel with the posted copy.
func (m *Map) DeliveryKey(ctx context.Context, tenant core.TenantID, src core.MessageRef, dest core.ChannelRef) (string, error) {
	return m.vault.Index(ctx, tenant, "delivery", string(src.Platform), string(src.Workspace), string(src.Channel), string(src.Message),
		string(dest.Platform), string(dest.Workspace), string(dest.Channel))
}

// FirstAttempt records the intent to deliver (before sending) and reports
// whether this is the first attempt. When it is not, an earlier attempt —
// perhaps in a process that died — may have landed without being recorded,
// and the destination must be asked before sending again.
func (m *Map) FirstAttempt(ctx context.Context, key string) (bool, error) {
	return m.store.FirstSeen(ctx, "intent|"+key, m.now().Add(m.ttl))
}
