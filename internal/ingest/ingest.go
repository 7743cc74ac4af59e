// Package ingest is the pipeline's first stage after a connector: the
// connector.Sink that seals each inbound event with its tenant's data key
// and returns only once the bus holds it durably, and the replay guard
// that drops a platform delivery seen before.
package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parley/internal/bus"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/vault"
)

// ReplayWindow is how long a delivery ID is remembered. Platforms retry
// for minutes and signatures expire after about 5; a day is ample.
const ReplayWindow = 24 * time.Hour

// acceptTimeout bounds the durable publish: platforms want an answer within
// a few seconds (3 for the strictest), and a timely 503 makes them
// redeliver.
const acceptTimeout = 2 * time.Second

// Seen is where delivery IDs are remembered (the store).
type Seen interface {
	FirstSeen(ctx context.Context, key string, until time.Time) (bool, error)
	ForgetSeen(ctx context.Context, key string) error
}

// Sink is the connectors' Sink.
type Sink struct {
	Vault *vault.Vault
	Bus   *bus.Bus
	Seen  Seen
}

var _ connector.Sink = Sink{}

// EventAAD binds a sealed event to its tenant: it opens under no other.
func EventAAD(t core.TenantID) []byte { return []byte("event|" + string(t)) }

// Accept seals ev and publishes it on its source channel's lane; the bus
// drops a second publish of the same platform event.
func (s Sink) Accept(ctx context.Context, ev core.Event) error {
	ctx, cancel := context.WithTimeout(ctx, acceptTimeout)
	defer cancel()
	plain, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	sealed, err := s.Vault.Seal(ctx, ev.Tenant, plain, EventAAD(ev.Tenant))
	if err != nil {
		return fmt.Errorf("seal event: %w", err)
	}
	return s.Bus.Publish(ctx, bus.Message{
		Tenant: ev.Tenant,
		Lane:   s.Vault.Pseudonym(ev.Source.String()),
		ID:     s.Vault.Pseudonym(string(ev.Source.Platform) + "|" + string(ev.ID)),
		Data:   sealed,
	})
}

func (s Sink) seenKey(p core.Platform, id core.EventID) string {
	return "seen|" + s.Vault.Pseudonym(string(p)+"|"+string(id))
}

// FirstSeen records a delivery ID and reports whether it is new.
func (s Sink) FirstSeen(ctx context.Context, p core.Platform, id core.EventID) (bool, error) {
	return s.Seen.FirstSeen(ctx, s.seenKey(p, id), time.Now().Add(ReplayWindow))
}

// Forget undoes FirstSeen after a failed Accept, so the platform's retry
// is not taken for a replay.
func (s Sink) Forget(ctx context.Context, p core.Platform, id core.EventID) error {
	return s.Seen.ForgetSeen(ctx, s.seenKey(p, id))
}
