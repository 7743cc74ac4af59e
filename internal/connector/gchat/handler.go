package gchat

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/signingkeys"
)

// maxBody caps an inbound request. Events are a few KB (a message is at
// most 32,000 bytes of text); the cap keeps large bodies from costing
// memory.
const maxBody = 1 << 20

// handler serves Google's deliveries.
type handler struct {
	verify *verifier
	log    *slog.Logger
	lookup func(space string) (*Client, bool)
	subs   *subscriptions
	sink   connector.Sink
}

// read checks the method and reads the body under the cap; it has
// answered when ok is false.
func (h *handler) read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.reject(w, http.StatusRequestEntityTooLarge, "body too large")
		} else {
			h.reject(w, http.StatusBadRequest, "unreadable body")
		}
		return nil, false
	}
	return body, true
}

// interaction serves interaction events. They are verified like every
// delivery, but relay nothing: the Workspace Events subscription delivers
// every message too, and one source of truth keeps each message from being
// relayed twice. The empty JSON answer tells Chat the app has no reply.
func (h *handler) interaction(w http.ResponseWriter, r *http.Request) {
	body, ok := h.read(w, r)
	if !ok {
		return
	}
	if err := h.verify.chatToken(r.Context(), r.Header.Get("Authorization")); err != nil {
		h.reject(w, authStatus(err), err.Error())
		return
	}
	var ev interactionEvent
	if err := jsonStrict(body, &ev); err != nil || ev.Type == "" {
		h.reject(w, http.StatusBadRequest, "malformed interaction event")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}

// push serves a Pub/Sub push of one Workspace Event. Pub/Sub redelivers
// anything not answered with 2xx, so only a failure to queue gets a 503;
// events Parley ignores are acknowledged.
func (h *handler) push(w http.ResponseWriter, r *http.Request) {
	body, ok := h.read(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := h.verify.pushToken(ctx, r.Header.Get("Authorization")); err != nil {
		h.reject(w, authStatus(err), err.Error())
		return
	}
	ce, err := parsePush(body)
	if err != nil {
		h.reject(w, http.StatusBadRequest, err.Error())
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
		h.log.Info("gchat event ignored", "reason", "space not watched")
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
	h.deliver(ctx, w, ev)
}

// lifecycle hands a subscription's lifecycle event, once, to the
// subscriptions it is about; what it asks for is done by Connector.Run, so
// the push is acknowledged at once.
func (h *handler) lifecycle(ctx context.Context, w http.ResponseWriter, ce cloudEvent) {
	first, err := h.sink.FirstSeen(ctx, core.GChat, core.EventID(ce.ID))
	if err != nil {
		h.log.Warn("gchat event not accepted", "reason", "dedupe store failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if !first {
		h.log.Info("gchat event ignored", "reason", "redelivered event")
	} else if !h.subs.lifecycle(ce) {
		h.log.Info("gchat event ignored", "reason", "not our subscription")
	} else {
		h.log.Info("gchat subscription lifecycle event", "type", strings.TrimPrefix(ce.Type, ceLifecyclePrefix))
	}
	w.WriteHeader(http.StatusNoContent)
}

// deliver dedupes ev by its CloudEvent ID and queues it.
func (h *handler) deliver(ctx context.Context, w http.ResponseWriter, ev core.Event) {
	first, err := h.sink.FirstSeen(ctx, core.GChat, ev.ID)
	if err != nil {
		h.log.Warn("gchat event not accepted", "reason", "dedupe store failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if !first {
		h.log.Info("gchat event ignored", "reason", "redelivered event")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := h.sink.Accept(ctx, ev); err != nil {
		// Forget first, so that Pub/Sub's retry is not taken for a replay.
		if ferr := h.sink.Forget(ctx, core.GChat, ev.ID); ferr != nil {
			h.log.Warn("gchat event not forgotten", "reason", "dedupe store failed", "err", ferr)
		}
		h.log.Warn("gchat event not accepted", "reason", "sink failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
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

// reject answers a request that failed a check, logging only why.
func (h *handler) reject(w http.ResponseWriter, status int, reason string) {
	h.log.Warn("gchat request rejected", "status", status, "reason", reason)
	http.Error(w, http.StatusText(status), status)
}
