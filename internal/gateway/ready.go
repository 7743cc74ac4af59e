package gateway

import (
	"context"
	"errors"

	"parley/internal/readiness"
)

// errConsumerStopped: the loop that feeds the bus to the router is not
// running, so this node relays nothing even though it could take events.
var errConsumerStopped = errors.New("bus consumer not running")

// newReadiness builds the node's readiness: the store and the bus answer
// (without them an inbound event cannot be made durable, so webhooks are
// refused too) and the consumer runs. A check of lane ownership belongs
// here once lanes are owned per node.
func (g *Gateway) newReadiness() *readiness.Checker {
	return readiness.New(readiness.Options{
		Logger:  g.log,
		Changed: func(name string, ok bool) { g.metrics.Ready.WithLabelValues(name).Set(map[bool]float64{true: 1}[ok]) },
	},
		readiness.Check{Name: "store", Probe: g.store.Ping, Intake: true},
		readiness.Check{Name: "bus", Probe: g.bus.Ping, Intake: true},
		readiness.Check{Name: "consumer", Probe: func(context.Context) error {
			if g.dispatcher == nil || !g.dispatcher.Consuming() {
				return errConsumerStopped
			}
			return nil
		}},
	)
}
