package router

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/richtext"
)

// notifySender tells the author of a message that did not reach a
// destination, where they wrote it (in its thread), which destination and
// why, in words. A message must never vanish silently. Only new messages
// get a notice: a failed edit or reaction is not worth interrupting anyone.
func (r *Router) notifySender(ctx context.Context, ev core.Event, dest core.ChannelRef, err error) {
	if ev.Kind != core.Posted || errors.Is(err, context.Canceled) {
		return
	}
	where := string(dest.Platform)
	if n := r.names(ev.Tenant, dest.Platform, dest.Workspace); n != "" {
		where = n + " (" + where + ")"
	}
	r.notice(ctx, ev, fmt.Sprintf("⚠️ Parley could not deliver this message to %s: %s.", where, explain(err)))
}

// NotifySetAside tells the author of a new message that Parley set it aside
// without relaying it anywhere, because handling it failed before any
// destination was tried.
func (r *Router) NotifySetAside(ctx context.Context, ev core.Event) {
	if ev.Kind != core.Posted {
		return
	}
	r.notice(ctx, ev, "⚠️ Parley could not relay this message: "+explain(delivery.ErrPanicked)+".")
}

// notice posts text in the thread of ev's message at its source. The source
// connector may be the one that panicked, so a panic here only loses the
// notice.
func (r *Router) notice(ctx context.Context, ev core.Event, text string) {
	defer func() {
		if v := recover(); v != nil {
			delivery.LogPanic(r.log, "failure notice", v)
		}
	}()
	src, cerr := r.clients.Client(ev.Tenant, ev.Source.Platform, ev.Source.Workspace)
	if cerr != nil {
		return
	}
	msg := connector.Message{Body: richtext.Plain(text), Author: core.Author{Name: "Parley"}}
	root := ev.Thread
	if root == "" {
		root = ev.Message
	}
	if _, serr := send(ctx, src, ev.Source.Channel, root, msg); serr != nil {
		r.log.Warn("failure notice not sent", "to", ev.Source.Platform, "reason", delivery.Reason(serr))
		return
	}
	if r.noticed != nil {
		r.noticed(ev.Source.Platform)
	}
}

// explain says why, in words an end user understands.
func explain(err error) string {
	var unsupported *connector.UnsupportedError
	switch {
	case errors.Is(err, delivery.ErrPanicked):
		return "Parley hit an internal error on it and set it aside for an administrator"
	case errors.As(err, &unsupported):
		return fmt.Sprintf("%s cannot show this kind of message", unsupported.Platform)
	case errors.Is(err, connector.ErrAuth):
		return "Parley's connection to that workspace needs to be renewed by an admin"
	case errors.Is(err, connector.ErrNotFound):
		return "the linked channel no longer exists"
	case errors.Is(err, connector.ErrPermanent):
		return "the destination refused it (the channel may be archived, Parley may have been removed from it, or the message is too large)"
	default:
		return "the destination kept failing until the message expired"
	}
}
