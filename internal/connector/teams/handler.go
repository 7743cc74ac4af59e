package teams

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/signingkeys"
)

// maxBody caps an inbound activity. Teams activities are a few KB (the
// message limit is about 100 KB); the cap bounds memory spent before the
// token is checked.
const maxBody = 256 << 10

// handler serves the bot's messaging endpoint.
type handler struct {
	conn *Connector
	v    *verifier
	log  *slog.Logger
	now  func() time.Time
	sink connector.Sink
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
	ok, err := h.v.verify(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, errForbidden):
			status = http.StatusForbidden
		case errors.Is(err, signingkeys.ErrUnavailable):
			// Not the sender's fault: Teams delivers it again later.
			status = http.StatusServiceUnavailable
		}
		h.reject(w, status, err.Error())
		return
	}
	var a activity
	if err := json.Unmarshal(body, &a); err != nil {
		h.reject(w, http.StatusBadRequest, "malformed activity")
		return
	}
	if a.ChannelID != channelMSTeams {
		h.reject(w, http.StatusForbidden, "activity is not from Teams")
		return
	}
	if !sameServiceURL(ok.serviceURL, a.ServiceURL) {
		h.reject(w, http.StatusForbidden, "serviceUrl does not match the token")
		return
	}
	h.conn.learn(&a)
	in, installed := h.conn.installed(core.WorkspaceID(a.tenant()))
	if !installed {
		h.log.Info("teams activity ignored", "reason", "tenant not installed")
		w.WriteHeader(http.StatusOK)
		return
	}
	for _, ev := range translate(&a, in, h.now()) {
		if status := h.relay(r, ev); status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// relay hands one event to the sink once, answering 503 when it cannot be
// queued so that the Bot Connector delivers it again.
func (h *handler) relay(r *http.Request, ev core.Event) int {
	ctx := r.Context()
	first, err := h.sink.FirstSeen(ctx, core.Teams, ev.ID)
	if err != nil {
		h.log.Warn("teams event not accepted", "reason", "dedupe store failed", "err", err)
		return http.StatusServiceUnavailable
	}
	if !first {
		h.log.Info("teams event ignored", "reason", "redelivered activity")
		return http.StatusOK
	}
	if err := h.sink.Accept(ctx, ev); err != nil {
		// Forget first, so that the retry is not taken for a replay.
		if ferr := h.sink.Forget(ctx, core.Teams, ev.ID); ferr != nil {
			h.log.Warn("teams event not forgotten", "reason", "dedupe store failed", "err", ferr)
		}
		h.log.Warn("teams event not accepted", "reason", "sink failed", "err", err)
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// reject answers a request that failed a check, logging only why.
func (h *handler) reject(w http.ResponseWriter, status int, reason string) {
	h.log.Warn("teams request rejected", "status", status, "reason", reason)
	http.Error(w, http.StatusText(status), status)
}
