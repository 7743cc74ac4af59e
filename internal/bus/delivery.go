package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"parley/internal/core"
)

// Delivery is one message handed to Consume's handler. Exactly one of Ack or
// Nak should end it, from any goroutine; InProgress postpones redelivery
// while work is still under way.
type Delivery struct {
	Tenant core.TenantID
	Lane   string
	ID     string
	Data   []byte
	// Attempt counts deliveries of this message, starting at 1; more than 1
	// means an earlier attempt was not acknowledged in time or was nakked.
	Attempt int

	msg jetstream.Msg
}

// ackTimeout bounds the wait for the server to confirm an ack.
const ackTimeout = 5 * time.Second

var errNoMessage = errors.New("bus: delivery did not come from Consume")

// Ack removes the message from the bus. It waits for the server to confirm,
// so a nil error means the message will not be delivered again.
func (d Delivery) Ack() error {
	if d.msg == nil {
		return errNoMessage
	}
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	if err := d.msg.DoubleAck(ctx); err != nil {
		return fmt.Errorf("bus: ack: %w", err)
	}
	return nil
}

// Nak asks for the message again after delay (at once if delay <= 0).
func (d Delivery) Nak(delay time.Duration) error {
	if d.msg == nil {
		return errNoMessage
	}
	var err error
	if delay > 0 {
		err = d.msg.NakWithDelay(delay)
	} else {
		err = d.msg.Nak()
	}
	if err != nil {
		return fmt.Errorf("bus: nak: %w", err)
	}
	return nil
}

// InProgress restarts the AckWait timer of the message, for work that takes
// longer than Options.AckWait.
func (d Delivery) InProgress() error {
	if d.msg == nil {
		return errNoMessage
	}
	if err := d.msg.InProgress(); err != nil {
		return fmt.Errorf("bus: in progress: %w", err)
	}
	return nil
}
