package router

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/connector"
	"parley/internal/core"
)

// edit applies an edit to the destination's copy.
func (r *Router) edit(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	editor, ok := client.(connector.Editor)
	if !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "edit"}
	}
	id, err := r.copyOf(ctx, ev, ev.Message, dest)
	if err != nil {
		return err
	}
	msg, err := r.render(ctx, ev, dest)
	if err != nil {
		return err
	}
	return editor.Edit(ctx, dest.Channel, id, msg)
}

// delete removes the destination's copy.
func (r *Router) delete(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	deleter, ok := client.(connector.Deleter)
	if !ok {
		return &connector.UnsupportedError{Platform: dest.Platform, Capability: "delete"}
	}
	id, err := r.copyOf(ctx, ev, ev.Message, dest)
	if err != nil {
		return err
	}
	err = deleter.Delete(ctx, dest.Channel, id)
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
