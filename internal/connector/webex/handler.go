package webex

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
)

// maxBody caps an inbound request: Webex's ID-only payloads are about 1 KB,
// and the cap keeps large bodies from costing memory before the signature
// is checked.
const maxBody = 64 << 10

// handler serves the webhook target URL.
type handler struct {
	secret  []byte
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
	lookup  func(core.WorkspaceID) (*Client, bool)
	sink    connector.Sink
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.reject(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		h.reject(w, http.StatusBadRequest, "unreadable body")
		return
	}
	if len(h.secret) == 0 {
		// Without a secret anyone could sign; refuse rather than trust.
		h.reject(w, http.StatusUnauthorized, "no webhook secret configured")
		return
	}
	if err := verify(h.secret, r.Header.Get("X-Spark-Signature"), body); err != nil {
		h.reject(w, http.StatusUnauthorized, err.Error())
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		h.reject(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(h.relay(r.Context(), env))
}

// relay turns a verified delivery into an event and returns the status to
// answer. Ignored deliveries are acknowledged: a non-2xx would only make
// Webex send them again.
func (h *handler) relay(ctx context.Context, env envelope) int {
	if env.Resource != "messages" {
		return http.StatusOK
	}
	cl, ok := h.lookup(core.WorkspaceID(env.OrgID))
	if !ok {
		h.log.Info("webex delivery ignored", "reason", "org not installed")
		return http.StatusOK
	}
	if env.Data.PersonID == cl.self {
		return http.StatusOK // our own post, edit or delete
	}
	var kind core.Kind
	switch env.Event {
	case "created":
		kind = core.Posted
	case "updated":
		kind = core.Edited
	case "deleted":
		kind = core.Deleted
	default:
		return http.StatusOK
	}
	// The webhook ID, message ID and event name a delivery; an edit adds
	// the message's updated time below, since one message is edited often.
	id := core.EventID(env.ID + "/" + env.Data.ID + "/" + env.Event)
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()

	var ev core.Event
	if kind == core.Deleted {
		ev = core.Event{
			ID: id, Kind: core.Deleted, Tenant: cl.tenant,
			Source:  core.ChannelRef{Platform: core.Webex, Workspace: cl.org, Channel: core.ChannelID(env.Data.RoomID)},
			Message: core.MessageID(env.Data.ID), Thread: core.MessageID(env.Data.ParentID),
			Author: core.Author{ID: core.UserID(env.Data.PersonID), Email: env.Data.PersonEmail},
			Time:   h.now(),
		}
	} else {
		if kind == core.Posted {
			if status, ok := h.firstSeen(ctx, id); !ok {
				return status
			}
		}
		m, err := cl.fetch(ctx, env.Data.ID)
		if err == nil && kind == core.Edited {
			id += core.EventID("/" + m.Updated)
			if status, ok := h.firstSeen(ctx, id); !ok {
				return status
			}
		}
		if err == nil {
			ev, err = cl.toEvent(ctx, kind, id, m)
		}
		if err != nil {
			return h.fetchFailed(ctx, kind, id, err)
		}
		return h.accept(ctx, ev, false)
	}
	return h.accept(ctx, ev, true)
}

// firstSeen records id; ok false means answer status and stop.
func (h *handler) firstSeen(ctx context.Context, id core.EventID) (int, bool) {
	first, err := h.sink.FirstSeen(ctx, core.Webex, id)
	if err != nil {
		h.log.Warn("webex delivery not accepted", "reason", "dedupe store failed", "err", err)
		return http.StatusServiceUnavailable, false
	}
	if !first {
		h.log.Info("webex delivery ignored", "reason", "redelivered event")
		return http.StatusOK, false
	}
	return 0, true
}

// fetchFailed answers a delivery whose message could not be read: gone or
// forbidden messages are dropped, anything else is retried by Webex.
func (h *handler) fetchFailed(ctx context.Context, kind core.Kind, id core.EventID, err error) int {
	if errors.Is(err, connector.ErrNotFound) || errors.Is(err, connector.ErrPermanent) {
		h.log.Info("webex delivery ignored", "reason", "message not readable", "err", err)
		return http.StatusOK
	}
	if kind == core.Posted {
		h.forget(ctx, id)
	}
	h.log.Warn("webex delivery not accepted", "reason", "message fetch failed", "err", err)
	return http.StatusServiceUnavailable
}

// accept hands ev to the sink; dedupe says whether FirstSeen is still to
// be called for it.
func (h *handler) accept(ctx context.Context, ev core.Event, dedupe bool) int {
	if dedupe {
		if status, ok := h.firstSeen(ctx, ev.ID); !ok {
			return status
		}
	}
	if err := h.sink.Accept(ctx, ev); err != nil {
		// Forget first, so that Webex's retry is not taken for a replay.
		h.forget(ctx, ev.ID)
		h.log.Warn("webex delivery not accepted", "reason", "sink failed", "err", err)
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

func (h *handler) forget(ctx context.Context, id core.EventID) {
	if err := h.sink.Forget(ctx, core.Webex, id); err != nil {
		h.log.Warn("webex delivery not forgotten", "reason", "dedupe store failed", "err", err)
	}
}

// reject answers a request that failed a check, logging only why.
func (h *handler) reject(w http.ResponseWriter, status int, reason string) {
	h.log.Warn("webex request rejected", "status", status, "reason", reason)
	http.Error(w, http.StatusText(status), status)
}
