package gchat

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"parley/internal/connector/webhook"
	"parley/internal/core"
	"parley/internal/signingkeys"
)

// maxBody caps an inbound request. Events are a few KB (a message is at
// most 32,000 bytes of text); the cap keeps large bodies from costing
// memory.
const maxBody = 1 << 20

// handler serves Google's deliveries.
type handler struct {
	webhook.Endpoint
	verify *verifier
	lookup func(space string) (*Client, bool)
	subs   *subscriptions
}

// interaction serves interaction events. They are verified like every
// delivery, but relay nothing: the Workspace Events subscription delivers
// every message too, and one source of truth keeps each message from being
// relayed twice. The empty JSON answer tells Chat the app has no reply.
func (h *handler) interaction(w http.ResponseWriter, r *http.Request) {
	body, ok := h.Read(w, r)
	if !ok {
		return
	}
	if err := h.verify.chatToken(r.Context(), r.Header.Get("Authorization")); err != nil {
		h.Reject(w, authStatus(err), err.Error())
		return
	}
	var ev interactionEvent
	if err := jsonStrict(body, &ev); err != nil || ev.Type == "" {
		h.Reject(w, http.StatusBadRequest, "malformed interaction event")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}

// push serves a Pub/Sub push of one Workspace Event. Pub/Sub redelivers
// anything not answered with 2xx, so only a failure to queue gets a 503;
// events Parley ignores are acknowledged.
func (h *handler) push(w http.ResponseWriter, r *http.Request) {
	body, ok := h.Read(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := h.verify.pushToken(ctx, r.Header.Get("Authorization")); err != nil {
		h.Reject(w, authStatus(err), err.Error())
		return
	}
	ce, err := parsePush(body)
	if err != nil {
		h.Reject(w, http.StatusBadRequest, err.Error())
		return
	}
	if strings.HasPrefix(ce.Type, ceLifecyclePrefix) {
		h.lifecycle(ctx, w, ce)
		return
	}
	space := spaceOf(ce.Source)
	if space == "" {
		space = spaceOf(ce.Subject)
	}
	cl, ok := h.lookup(space)
	if !ok {
		h.Log.Info("gchat event ignored", "reason", "space not watched")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.subs.heard(space, ce.Time)
	ev, ok := translate(ctx, ce, cl.id, cl.rootOf)
	if !ok || ev.Source.Channel != core.ChannelID(space) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	cl.noteAuthor(ev.Author)
	w.WriteHeader(h.Deliver(ctx, ev).Status(http.StatusNoContent))
}

// lifecycle hands a subscription's lifecycle event, once, to the
// subscriptions it is about; what it asks for is done by Connector.Run, so
// the push is acknowledged at once.
func (h *handler) lifecycle(ctx context.Context, w http.ResponseWriter, ce cloudEvent) {
	switch o := h.FirstSeen(ctx, core.EventID(ce.ID)); {
	case o == webhook.Unavailable:
		w.WriteHeader(o.Status(http.StatusNoContent))
		return
	case o == webhook.Redelivered:
	case !h.subs.lifecycle(ce):
		h.Log.Info("gchat event ignored", "reason", "not our subscription")
	default:
		h.Log.Info("gchat subscription lifecycle event", "type", strings.TrimPrefix(ce.Type, ceLifecyclePrefix))
	}
	w.WriteHeader(http.StatusNoContent)
}

// authStatus is the answer to a token that did not verify: 401, or 503
// when Google's keys cannot be had, which is no fault of the sender's and
// makes Google deliver again later.
func authStatus(err error) int {
	if errors.Is(err, signingkeys.ErrUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusUnauthorized
}
