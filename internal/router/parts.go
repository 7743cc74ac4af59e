package router

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/msgmap"
	"parley/internal/richtext"
)

// A message longer than its destination takes is posted there in parts, in
// order: the first where the message goes (top level, or in its thread),
// the rest as replies in the same thread where the platform has threads,
// otherwise as the top-level messages that follow. Every part is recorded
// in the message map, so an edit re-splits and updates all of them, a
// delete removes all of them, and replies and reactions attach to the
// first.

// split cuts msg into the parts client can post, each with the author.
func split(client connector.Client, msg connector.Message) []connector.Message {
	lim, ok := client.(connector.Limits)
	if !ok || lim.Fits(msg) {
		return []connector.Message{msg}
	}
	docs := richtext.Split(msg.Body, func(d richtext.Doc) bool {
		m := msg
		m.Body = d
		return lim.Fits(m)
	})
	out := make([]connector.Message, len(docs))
	for i, d := range docs {
		out[i] = msg
		out[i].Body = d
	}
	return out
}

// partKey is the idempotency key of one part: the delivery's key for the
// first (so an unsplit message keeps the key it always had), the key and
// the part's index for the others.
func partKey(key string, part int) string {
	if part == 0 {
		return key
	}
	return key + "." + strconv.Itoa(part)
}

// continuationRoot is the thread the parts after the first go in: the
// message's own thread when it is a reply, else the first part.
func (r *Router) continuationRoot(ctx context.Context, ev core.Event, dest core.ChannelRef, first core.MessageID) core.MessageID {
	if ev.Thread != "" {
		if root, err := r.copyOf(ctx, ev, ev.Thread, dest); err == nil {
			return root
		}
	}
	return first
}

// partsOf finds every part of the copy in dest of the message msg (in ev's
// source channel), in order.
func (r *Router) partsOf(ctx context.Context, ev core.Event, msg core.MessageID, dest core.ChannelRef) ([]core.MessageID, error) {
	ids, err := r.msgs.FindParts(ctx, ev.Tenant, core.MessageRef{ChannelRef: ev.Source, Message: msg}, dest)
	if errors.Is(err, msgmap.ErrNotFound) {
		return nil, fmt.Errorf("no copy of the message at the destination: %w", connector.ErrNotFound)
	}
	return ids, err
}

// postPart posts part number i of ev's message (with ev's files when
// withFiles), safe to retry, and records it.
func (r *Router) postPart(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client, root core.MessageID, msg connector.Message, i int, withFiles bool) (core.MessageID, error) {
	id, err := r.reconcile(ctx, ev, dest, client, root, i, &msg)
	if err != nil {
		return "", err
	}
	if id == "" {
		if withFiles {
			id, err = r.postFiles(ctx, ev, dest, client, root, msg)
		} else {
			id, err = send(ctx, client, dest.Channel, root, msg)
		}
		if err != nil {
			return "", err
		}
	}
	if err := r.msgs.RecordPart(ctx, ev.Tenant, ev.MessageRef(), core.MessageRef{ChannelRef: dest, Message: id}, i); err != nil {
		return "", err
	}
	return id, nil
}
