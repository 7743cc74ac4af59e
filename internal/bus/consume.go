package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ConsumerName is the durable consumer the router reads through. Every node
// uses the same one, so a cluster shares the work and a message goes to one
// node only.
const ConsumerName = "parley-router"

const (
	// maxAckPending is how many deliveries may await an ack at once. It is
	// large because the router acks only after the destination accepted
	// the message, and a slow destination must not stall the others.
	maxAckPending = 65536
	// prefetch is how many messages the client buffers. AckWait runs from
	// when a message reaches the buffer, so the buffer stays modest.
	prefetch = 128
	// retryPause separates attempts after a transient consume error.
	retryPause = time.Second
)

// Consume calls handle for each message, one at a time, in stream order
// (a redelivered message comes again after later ones). handle need not ack
// before returning: Consume keeps fetching while earlier deliveries are
// unacknowledged, and the ack may come from another goroutine. Consume
// returns nil when ctx is done and ErrClosed when the bus is closed.
func (b *Bus) Consume(ctx context.Context, handle func(context.Context, Delivery)) error {
	cons, err := b.js.CreateOrUpdateConsumer(ctx, b.opts.Stream, jetstream.ConsumerConfig{
		Durable:       ConsumerName,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       b.opts.AckWait,
		MaxAckPending: maxAckPending,
		// No MaxDeliver: a message is retried until acked or MaxAge
		// removes it, so delivery never gives up silently.
		MaxDeliver:    -1,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		if b.nc.IsClosed() {
			return ErrClosed
		}
		return fmt.Errorf("bus: create consumer: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(prefetch))
	if err != nil {
		return fmt.Errorf("bus: start consuming: %w", err)
	}
	defer it.Stop()
	log := b.opts.Logger
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, jetstream.ErrMsgIteratorClosed), errors.Is(err, nats.ErrConnectionClosed):
			return ErrClosed
		case err != nil:
			// Missed heartbeats and the like while a cluster
			// reconnects; the iterator recovers by itself.
			log.Warn("bus: consume", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(retryPause):
			}
			continue
		}
		d, err := b.delivery(msg)
		if err != nil {
			// Only a stranger publishing to our subjects produces
			// this; retrying cannot help, so the message is
			// terminated. The subject is not logged: on a cluster it
			// is outside input.
			log.Warn("bus: dropped a malformed message", "err", err)
			_ = msg.TermWithReason("malformed")
			continue
		}
		handle(ctx, d)
	}
}

// delivery unpacks msg, treating everything in it as outside input.
func (b *Bus) delivery(msg jetstream.Msg) (Delivery, error) {
	tenant, lane, err := parseSubject(b.opts.Stream, msg.Subject())
	if err != nil {
		return Delivery{}, err
	}
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	if err := validID(id); err != nil {
		return Delivery{}, err
	}
	md, err := msg.Metadata()
	if err != nil {
		return Delivery{}, fmt.Errorf("bus: message metadata: %w", err)
	}
	return Delivery{
		Tenant:  tenant,
		Lane:    lane,
		ID:      id,
		Data:    msg.Data(),
		Attempt: int(md.NumDelivered),
		msg:     msg,
	}, nil
}

// ResetConsumer deletes the router's durable consumer so that the next
// Consume starts again at the oldest message still on the stream. With
// work-queue retention those are exactly the messages never acknowledged,
// so after a restart they are redelivered at once and in stream order —
// instead of after AckWait and behind newer ones. Only a single node may
// do this (the embedded mode): on a shared cluster it would disturb the
// other nodes' deliveries.
func (b *Bus) ResetConsumer(ctx context.Context) error {
	err := b.js.DeleteConsumer(ctx, b.opts.Stream, ConsumerName)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("bus: reset consumer: %w", err)
	}
	return nil
}
