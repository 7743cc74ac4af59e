package slack

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
)

// maxBody caps an inbound request. Slack's event payloads are a few KB; the
// cap keeps a flood of large bodies from costing memory before the
// signature is checked.
const maxBody = 1 << 20

// handler serves the Events API request URL.
type handler struct {
	secret []byte
	now    func() time.Time
	log    *slog.Logger
	lookup func(core.WorkspaceID) (identity, bool)
	sink   connector.Sink
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
		h.reject(w, http.StatusUnauthorized, "no signing secret configured")
		return
	}
	err = verify(h.secret, r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body, h.now())
	if err != nil {
		h.reject(w, http.StatusUnauthorized, err.Error())
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		h.reject(w, http.StatusBadRequest, "malformed envelope")
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
		h.log.Info("slack event ignored", "reason", "workspace not installed")
		w.WriteHeader(http.StatusOK)
		return
	}
	ev, ok := translate(env, id)
	if !ok || ev.ID == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx := r.Context()
	first, err := h.sink.FirstSeen(ctx, core.Slack, ev.ID)
	if err != nil {
		h.log.Warn("slack event not accepted", "reason", "dedupe store failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if !first {
		h.log.Info("slack event ignored", "reason", "redelivered event")
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := h.sink.Accept(ctx, ev); err != nil {
		// Forget first, so that Slack's retry is not taken for a replay.
		if ferr := h.sink.Forget(ctx, core.Slack, ev.ID); ferr != nil {
			h.log.Warn("slack event not forgotten", "reason", "dedupe store failed", "err", ferr)
		}
		h.log.Warn("slack event not accepted", "reason", "sink failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// reject answers a request that failed a check, logging only why.
func (h *handler) reject(w http.ResponseWriter, status int, reason string) {
	h.log.Warn("slack request rejected", "status", status, "reason", reason)
	http.Error(w, http.StatusText(status), status)
}
