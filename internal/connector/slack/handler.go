package slack

import (
	"io"
	"net/http"
	"time"

	"parley/internal/connector/webhook"
	"parley/internal/core"
)

// maxBody caps an inbound request. Slack's event payloads are a few KB; the
// cap keeps a flood of large bodies from costing memory before the
// signature is checked.
const maxBody = 1 << 20

// handler serves the Events API request URL.
type handler struct {
	webhook.Endpoint
	secret []byte
	now    func() time.Time
	lookup func(core.WorkspaceID) (identity, bool)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := h.ReadSigned(w, r, h.secret, func(secret, body []byte) error {
		return verify(secret, r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body, h.now())
	})
	if !ok {
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		h.Reject(w, http.StatusBadRequest, "malformed envelope")
		return
	}

	switch env.Type {
	case typeURLVerification:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = io.WriteString(w, env.Challenge)
	case typeEventCallback:
		h.event(w, r, env)
	default:
		// app_rate_limited and envelope types we do not use: acknowledge so
		// that Slack does not count them as failed deliveries.
		w.WriteHeader(http.StatusOK)
	}
}

// event relays one event_callback. Ignored events are acknowledged too:
// a non-2xx would only make Slack deliver them again.
func (h *handler) event(w http.ResponseWriter, r *http.Request, env envelope) {
	id, ok := h.lookup(core.WorkspaceID(env.TeamID))
	if !ok {
		h.Log.Info("slack event ignored", "reason", "workspace not installed")
		w.WriteHeader(http.StatusOK)
		return
	}
	ev, ok := translate(env, id)
	if !ok || ev.ID == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	if id.client != nil {
		if err := id.client.resolveFiles(r.Context(), &ev); err != nil {
			// Slack sends the event again: files.info may answer then.
			h.Log.Warn("slack event not relayed yet: files.info failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if ev.Kind == core.Posted && ev.Body.IsEmpty() && len(ev.Files) == 0 {
			w.WriteHeader(http.StatusOK) // only files Slack no longer shows
			return
		}
	}
	w.WriteHeader(h.Deliver(r.Context(), ev).Status(http.StatusOK))
}
