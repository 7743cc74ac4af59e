package webex

import (
	"context"
	"errors"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/webhook"
	"parley/internal/core"
)

// maxBody caps an inbound request: Webex's ID-only payloads are about 1 KB,
// and the cap keeps large bodies from costing memory before the signature
// is checked.
const maxBody = 64 << 10

// handler serves the webhook target URL.
type handler struct {
	webhook.Endpoint
	secret  []byte
	timeout time.Duration
	now     func() time.Time
	lookup  func(core.WorkspaceID) (*Client, bool)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := h.ReadSigned(w, r, h.secret, func(secret, body []byte) error {
		return verify(secret, r.Header.Get("X-Spark-Signature"), body)
	})
	if !ok {
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		h.Reject(w, http.StatusBadRequest, err.Error())
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
		h.Log.Info("webex delivery ignored", "reason", "org not installed")
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
	if o := h.FirstSeen(ctx, id); o != webhook.Accepted {
		return o.Status(http.StatusOK), false
	}
	return 0, true
}

// fetchFailed answers a delivery whose message could not be read: gone or
// forbidden messages are dropped, anything else is retried by Webex.
func (h *handler) fetchFailed(ctx context.Context, kind core.Kind, id core.EventID, err error) int {
	if errors.Is(err, connector.ErrNotFound) || errors.Is(err, connector.ErrPermanent) {
		h.Log.Info("webex delivery ignored", "reason", "message not readable", "err", err)
		return http.StatusOK
	}
	if kind == core.Posted {
		h.Forget(ctx, id)
	}
	h.Log.Warn("webex delivery not accepted", "reason", "message fetch failed", "err", err)
	return http.StatusServiceUnavailable
}

// accept hands ev to the sink; dedupe says whether FirstSeen is still to
// be called for it.
func (h *handler) accept(ctx context.Context, ev core.Event, dedupe bool) int {
	if dedupe {
		return h.Deliver(ctx, ev).Status(http.StatusOK)
	}
	return h.Accept(ctx, ev).Status(http.StatusOK)
}
