package router

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/connector"
	"parley/internal/core"
)

// edit applies an edit to the destination's copy. A copy in parts is
// split again: the parts that exist are edited, extra parts are posted
// after them, and parts the shorter text no longer needs are deleted.
func (r *Router) edit(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	editor, ok := client.(connector.Editor)
	if !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "edit"}
	}
	ids, err := r.partsOf(ctx, ev, ev.Message, dest)
	if err != nil {
		return err
	}
	msg, err := r.render(ctx, ev, dest)
	if err != nil {
		return err
	}
	parts := split(client, msg)
	for i, part := range parts {
		if i < len(ids) {
			if err := editor.Edit(ctx, dest.Channel, ids[i], part); err != nil {
				return err
			}
			continue
		}
		root := r.continuationRoot(ctx, ev, dest, ids[0])
		if _, err := r.postPart(ctx, ev, dest, client, root, part, i, false); err != nil {
			return err
		}
	}
	for i := len(parts); i < len(ids); i++ {
		if err := r.deletePart(ctx, dest, client, ids[i]); err != nil {
			return err
		}
		surplus := core.MessageRef{ChannelRef: dest, Message: ids[i]}
		if err := r.msgs.ForgetPart(ctx, ev.Tenant, ev.MessageRef(), surplus, i); err != nil {
			return err
		}
	}
	return nil
}

// delete removes the destination's copy, every part of it, the first last
// so that its thread never shows without the message.
func (r *Router) delete(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	if _, ok := client.(connector.Deleter); !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "delete"}
	}
	ids, err := r.partsOf(ctx, ev, ev.Message, dest)
	if err != nil {
		return err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if err := r.deletePart(ctx, dest, client, ids[i]); err != nil {
			return err
		}
	}
	return nil
}

func (r *Router) deletePart(ctx context.Context, dest core.ChannelRef, client connector.Client, id core.MessageID) error {
	deleter, ok := client.(connector.Deleter)
	if !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "delete"}
	}
	err := deleter.Delete(ctx, dest.Channel, id)
	if errors.Is(err, connector.ErrNotFound) {
		return nil // already gone: the goal is reached
	}
	return err
}

// react mirrors a reaction onto the destination's copy. The app reacts, so
// one reaction per emoji shows however many people added it on the source.
func (r *Router) react(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	reactor, ok := client.(connector.Reactor)
	if !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "react"}
	}
	id, err := r.copyOf(ctx, ev, ev.Message, dest)
	if err != nil {
		return err
	}
	if ev.Kind == core.ReactionAdded {
		err = reactor.React(ctx, dest.Channel, id, ev.Emoji)
	} else {
		err = reactor.Unreact(ctx, dest.Channel, id, ev.Emoji)
	}
	if err != nil {
		return fmt.Errorf("reaction: %w", err)
	}
	return nil
}
