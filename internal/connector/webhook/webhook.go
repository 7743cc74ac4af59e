// Package webhook is what every connector's inbound endpoint does around
// its platform's own checks (a signature, a token): read the request
// within a bound before anything else costs memory, refuse what fails a
// check with a bare status and a logged reason (never the content), and
// hand each verified event to the sink once — dropping redeliveries, and
// answering so that the platform delivers again whenever the event could
// not be queued.
package webhook

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"parley/internal/connector"
	"parley/internal/core"
)

// Endpoint is one platform's inbound endpoint. Handlers embed it.
type Endpoint struct {
	Platform core.Platform
	Sink     connector.Sink
	Log      *slog.Logger // scoped to the platform; never given content
	// MaxBody caps a request: the platform's largest delivery, with room.
	MaxBody int64
}

// Read checks that r is a POST and reads its body up to MaxBody. When it
// cannot it has answered (405, 413 or 400) and returns false.
func (e *Endpoint) Read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.Reject(w, http.StatusRequestEntityTooLarge, "body too large")
		} else {
			e.Reject(w, http.StatusBadRequest, "unreadable body")
		}
		return nil, false
	}
	return body, true
}

// ReadSigned is Read for a platform that signs its deliveries with a
// secret shared with Parley (an HMAC of the body): it refuses (401) every
// request while no secret is configured — anyone could sign with an empty
// one — and any that check, given the secret and the body, refuses.
func (e *Endpoint) ReadSigned(w http.ResponseWriter, r *http.Request, secret []byte, check func(secret, body []byte) error) ([]byte, bool) {
	body, ok := e.Read(w, r)
	if !ok {
		return nil, false
	}
	if len(secret) == 0 {
		e.Reject(w, http.StatusUnauthorized, "no signing secret configured")
		return nil, false
	}
	if err := check(secret, body); err != nil {
		e.Reject(w, http.StatusUnauthorized, err.Error())
		return nil, false
	}
	return body, true
}

// Reject answers a request that failed a check with status and nothing
// more, and logs only why.
func (e *Endpoint) Reject(w http.ResponseWriter, status int, reason string) {
	e.Log.Warn("request rejected", "status", status, "reason", reason)
	http.Error(w, http.StatusText(status), status)
}

// Outcome is what became of a delivery, for the answer to the platform.
type Outcome int

const (
	// Accepted: queued (or, from FirstSeen, first seen: go on).
	Accepted Outcome = iota
	// Redelivered: seen before, nothing queued; acknowledge it.
	Redelivered
	// Unavailable: not queued; answer 503 so that the platform delivers
	// it again.
	Unavailable
)

// Status is the HTTP answer to an outcome, with ack the platform's
// success status (200, or 204 where the platform wants no body).
func (o Outcome) Status(ack int) int {
	if o == Unavailable {
		return http.StatusServiceUnavailable
	}
	return ack
}

// FirstSeen records the delivery id, reporting Redelivered for one seen
// before and Unavailable when the record cannot be made.
func (e *Endpoint) FirstSeen(ctx context.Context, id core.EventID) Outcome {
	first, err := e.Sink.FirstSeen(ctx, e.Platform, id)
	switch {
	case err != nil:
		e.Log.Warn("event not accepted", "reason", "dedupe store failed", "err", err)
		return Unavailable
	case !first:
		e.Log.Info("event ignored", "reason", "redelivered event")
		return Redelivered
	}
	return Accepted
}

// Accept queues ev, whose ID FirstSeen has recorded. When the sink fails
// the record is undone first, so that the platform's retry is not taken
// for a replay.
func (e *Endpoint) Accept(ctx context.Context, ev core.Event) Outcome {
	if err := e.Sink.Accept(ctx, ev); err != nil {
		e.Forget(ctx, ev.ID)
		e.Log.Warn("event not accepted", "reason", "sink failed", "err", err)
		return Unavailable
	}
	return Accepted
}

// Deliver is FirstSeen then Accept.
func (e *Endpoint) Deliver(ctx context.Context, ev core.Event) Outcome {
	if o := e.FirstSeen(ctx, ev.ID); o != Accepted {
		return o
	}
	return e.Accept(ctx, ev)
}

// Forget undoes FirstSeen for a delivery that will not be queued now.
func (e *Endpoint) Forget(ctx context.Context, id core.EventID) {
	if err := e.Sink.Forget(ctx, e.Platform, id); err != nil {
		e.Log.Warn("event not forgotten", "reason", "dedupe store failed", "err", err)
	}
}
