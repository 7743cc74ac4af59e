package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parley/internal/bus"
	"parley/internal/core"
)

// replayWindow is how long a delivery ID is remembered. Platforms retry
// for minutes and signatures expire after about 5; a day is ample.
const replayWindow = 24 * time.Hour

// inbound is the connectors' Sink: it seals each event with its tenant's
// data key and returns only once the bus holds it durably.
type inbound struct{ g *Gateway }

var _ interface {
	Accept(context.Context, core.Event) error
} = inbound{}

func eventAAD(t core.TenantID) []byte { return []byte("event|" + string(t)) }

// acceptTimeout bounds the durable publish: platforms want an answer within
// a few seconds (3 for the strictest), and a timely 503 makes them
// redeliver.
const acceptTimeout = 2 * time.Second

func (in inbound) Accept(ctx context.Context, ev core.Event) error {
	ctx, cancel := context.WithTimeout(ctx, acceptTimeout)
	defer cancel()
	plain, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	sealed, err := in.g.vault.Seal(ctx, ev.Tenant, plain, eventAAD(ev.Tenant))
	if err != nil {
		return fmt.Errorf("seal event: %w", err)
	}
	return in.g.bus.Publish(ctx, bus.Message{
		Tenant: ev.Tenant,
		Lane:   in.g.vault.Pseudonym(ev.Source.String()),
		ID:     in.g.vault.Pseudonym(string(ev.Source.Platform) + "|" + string(ev.ID)),
		Data:   sealed,
	})
}

func (in inbound) seenKey(p core.Platform, id core.EventID) string {
	return "seen|" + in.g.vault.Pseudonym(string(p)+"|"+string(id))
}

func (in inbound) FirstSeen(ctx context.Context, p core.Platform, id core.EventID) (bool, error) {
	return in.g.store.FirstSeen(ctx, in.seenKey(p, id), time.Now().Add(replayWindow))
}

func (in inbound) Forget(ctx context.Context, p core.Platform, id core.EventID) error {
	return in.g.store.ForgetSeen(ctx, in.seenKey(p, id))
}
