package teams

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"parley/internal/connector/webhook"
	"parley/internal/core"
	"parley/internal/signingkeys"
)

// maxBody caps an inbound activity. Teams activities are a few KB (the
// message limit is about 100 KB); the cap bounds memory spent before the
// token is checked.
const maxBody = 256 << 10

// handler serves the bot's messaging endpoint.
type handler struct {
	webhook.Endpoint
	conn *Connector
	v    *verifier
	now  func() time.Time
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := h.Read(w, r)
	if !ok {
		return
	}
	auth, err := h.v.verify(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, errForbidden):
			status = http.StatusForbidden
		case errors.Is(err, signingkeys.ErrUnavailable):
			// Not the sender's fault: Teams delivers it again later.
			status = http.StatusServiceUnavailable
		}
		h.Reject(w, status, err.Error())
		return
	}
	var a activity
	if err := json.Unmarshal(body, &a); err != nil {
		h.Reject(w, http.StatusBadRequest, "malformed activity")
		return
	}
	if a.ChannelID != channelMSTeams {
		h.Reject(w, http.StatusForbidden, "activity is not from Teams")
		return
	}
	if !sameServiceURL(auth.serviceURL, a.ServiceURL) {
		h.Reject(w, http.StatusForbidden, "serviceUrl does not match the token")
		return
	}
	h.conn.learn(&a)
	in, installed := h.conn.installs.Get(core.WorkspaceID(a.tenant()))
	if !installed {
		h.Log.Info("teams activity ignored", "reason", "tenant not installed")
		w.WriteHeader(http.StatusOK)
		return
	}
	for _, ev := range translate(&a, in, h.now()) {
		if o := h.Deliver(r.Context(), ev); o == webhook.Unavailable {
			w.WriteHeader(o.Status(http.StatusOK))
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
