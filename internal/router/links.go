package router

import (
	"parley/internal/core"
	"parley/internal/store"
)

// links indexes links by channel for the hot path. It is immutable once
// built; SetLinks swaps in a new one.
type links struct {
	byChannel map[tenantChannel]*store.Link
}

type tenantChannel struct {
	tenant core.TenantID
	ch     core.ChannelRef
}

func indexLinks(all []store.Link) *links {
	l := &links{byChannel: map[tenantChannel]*store.Link{}}
	for i := range all {
		link := &all[i]
		for _, ch := range link.Channels {
			l.byChannel[tenantChannel{link.Tenant, ch}] = link
		}
	}
	return l
}

// room returns the link src belongs to, nil if none.
func (l *links) room(tenant core.TenantID, src core.ChannelRef) *store.Link {
	return l.byChannel[tenantChannel{tenant, src}]
}

// destinations returns the other channels of src's room.
func (l *links) destinations(tenant core.TenantID, src core.ChannelRef) []core.ChannelRef {
	link := l.byChannel[tenantChannel{tenant, src}]
	if link == nil {
		return nil
	}
	out := make([]core.ChannelRef, 0, len(link.Channels)-1)
	for _, ch := range link.Channels {
		if ch != src {
			out = append(out, ch)
		}
	}
	return out
}

// counterpart returns the channel in dest's workspace that is linked with
// ch, so a mention of a linked channel points at its local copy.
func (l *links) counterpart(tenant core.TenantID, ch core.ChannelRef, dest core.ChannelRef) (core.ChannelID, bool) {
	link := l.byChannel[tenantChannel{tenant, ch}]
	if link == nil {
		return "", false
	}
	for _, c := range link.Channels {
		if c.Platform == dest.Platform && c.Workspace == dest.Workspace {
			return c.Channel, true
		}
	}
	return "", false
}
