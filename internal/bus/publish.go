package bus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"parley/internal/core"
)

// Message is one event on its way to the router.
type Message struct {
	// Tenant scopes the subject; see ValidToken.
	Tenant core.TenantID
	// Lane is an opaque, already pseudonymous token chosen by the caller,
	// for example a keyed hash of the source channel; see ValidToken.
	Lane string
	// ID is the idempotency key: a second publish with the same ID within
	// the dedupe window (10 minutes, or MaxAge if shorter) is dropped.
	ID string
	// Data is the event, already sealed by the caller with the tenant's key.
	Data []byte
}

// maxIDLen bounds the idempotency key, which travels as a header.
const maxIDLen = 256

// validID rejects IDs that are empty, too long, or hold control characters
// that could break the header they travel in.
func validID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty; set the event's idempotency key", ErrInvalidID)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: %d bytes, at most %d allowed", ErrInvalidID, len(id), maxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < ' ' || id[i] == 0x7f {
			return fmt.Errorf("%w: byte %d is a control character", ErrInvalidID, i)
		}
	}
	return nil
}

// Publish puts m on the bus and returns once JetStream has stored it, so a
// nil error means the event survives a crash. A duplicate ID is not an
// error: the earlier copy is already stored.
func (b *Bus) Publish(ctx context.Context, m Message) error {
	subj, err := subject(b.opts.Stream, m.Tenant, m.Lane)
	if err != nil {
		return fmt.Errorf("bus: publish: %w", err)
	}
	if err := validID(m.ID); err != nil {
		return fmt.Errorf("bus: publish: %w", err)
	}
	_, err = b.js.PublishMsg(ctx, &nats.Msg{Subject: subj, Data: m.Data},
		jetstream.WithMsgID(m.ID),
		// A stray stream on a shared cluster must not capture our events.
		jetstream.WithExpectStream(b.opts.Stream))
	if errors.Is(err, nats.ErrConnectionClosed) {
		return ErrClosed
	}
	if err != nil {
		return fmt.Errorf("bus: publish: %w", err)
	}
	return nil
}
