package msgmap

import (
	"context"
	"sort"

	"parley/internal/core"
)

// A message too long for its destination is posted there in parts. Each
// part is a copy of the original in the same group, with its index sealed
// in its entry; the part indexes of one destination start at 0.

// RecordPart notes that cp is part number part of the copy of original in
// cp's channel. RecordPart(…, 0) is Record.
func (m *Map) RecordPart(ctx context.Context, tenant core.TenantID, original, cp core.MessageRef, part int) error {
	return m.put(ctx, tenant, original, entry{Ref: cp, Part: part})
}

// ForgetPart notes that cp, a part of a copy of original, was deleted
// because the message got shorter: FindParts no longer returns it, and it
// is still known as a copy, so its deletion is not relayed back.
func (m *Map) ForgetPart(ctx context.Context, tenant core.TenantID, original, cp core.MessageRef, part int) error {
	return m.put(ctx, tenant, original, entry{Ref: cp, Part: part, Gone: true})
}

// FindParts returns the IDs of every part of the copy in channel dest of
// the message ref, in order: one ID for a message that was not split.
func (m *Map) FindParts(ctx context.Context, tenant core.TenantID, ref core.MessageRef, dest core.ChannelRef) ([]core.MessageID, error) {
	entries, err := m.group(ctx, tenant, ref)
	if err != nil {
		return nil, err
	}
	var found []entry
	for _, e := range entries {
		if e.Ref.ChannelRef == dest && !e.Gone {
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		return nil, ErrNotFound
	}
	// The original sorts first: in its own channel it is the message.
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].Original != found[j].Original {
			return found[i].Original
		}
		return found[i].Part < found[j].Part
	})
	out := make([]core.MessageID, 0, len(found))
	for i, e := range found {
		if i > 0 && e.Part == found[i-1].Part && !e.Original && !found[i-1].Original {
			continue // one part recorded twice: keep the first
		}
		out = append(out, e.Ref.Message)
	}
	return out, nil
}
