package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Bus is an open connection to the event stream. Its methods are safe for
// concurrent use.
type Bus struct {
	opts   Options
	srv    *server.Server // nil with an external NATS
	nc     *nats.Conn
	js     jetstream.JetStream
	closed chan struct{} // closed by the connection's ClosedHandler

	closeOnce sync.Once
	closeErr  error
}

// drainTimeout bounds Close: in-flight publishes and acks get this long to
// reach the server.
const drainTimeout = 10 * time.Second

// Open starts the embedded server (unless opts.URL is set), connects, and
// creates or updates the stream. ctx bounds the stream set-up.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Bus{opts: o, closed: make(chan struct{})}
	connOpts := []nats.Option{
		nats.Name("parley"),
		nats.DrainTimeout(drainTimeout),
		nats.ClosedHandler(func(*nats.Conn) { close(b.closed) }),
	}
	url := o.URL
	if url == "" {
		if b.srv, err = startEmbedded(o); err != nil {
			return nil, err
		}
		connOpts = append(connOpts, nats.InProcessServer(b.srv))
	} else {
		ext, err := externalOptions(o)
		if err != nil {
			return nil, err
		}
		connOpts = append(connOpts, ext...)
	}
	if b.nc, err = nats.Connect(url, connOpts...); err != nil {
		b.stopServer()
		// The URL may hold credentials, so the error names the mode only.
		return nil, fmt.Errorf("bus: connect to %s NATS: %w", b.mode(), err)
	}
	if b.js, err = jetstream.New(b.nc); err == nil {
		err = b.ensureStream(ctx)
	}
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return b, nil
}

// externalOptions keep a cluster connection alive across server restarts,
// apply Parley's TLS policy and credentials, and refuse plaintext beyond
// loopback unless allowed.
func externalOptions(o Options) ([]nats.Option, error) {
	t, err := o.checkTransport()
	if err != nil {
		return nil, err
	}
	sec, err := o.securityOptions(t)
	if err != nil {
		return nil, err
	}
	log := o.Logger
	opts := []nats.Option{
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("bus: disconnected from NATS", "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Warn("bus: reconnected to NATS") }),
	}
	return append(opts, sec...), nil
}

// ensureStream creates the stream or brings an existing one to the current
// configuration.
func (b *Bus) ensureStream(ctx context.Context) error {
	_, err := b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        b.opts.Stream,
		Description: "Parley events in flight, sealed per tenant",
		Subjects:    []string{b.opts.Stream + ".>"},
		// Work-queue retention deletes a message as soon as the router
		// acks it: nothing stays on the bus once delivered.
		Retention: jetstream.WorkQueuePolicy,
		Storage:   jetstream.FileStorage,
		MaxAge:    b.opts.MaxAge,
		// A full store refuses new events, so the publisher sees an
		// error, instead of silently dropping the oldest undelivered ones.
		Discard:    jetstream.DiscardNew,
		Duplicates: b.opts.duplicates(),
		Replicas:   b.opts.Replicas,
	})
	if err != nil {
		return fmt.Errorf("bus: create or update stream %s: %w", b.opts.Stream, err)
	}
	return nil
}

// Pending returns the number of messages on the bus not yet acknowledged,
// whether delivered or not.
func (b *Bus) Pending(ctx context.Context) (uint64, error) {
	s, err := b.js.Stream(ctx, b.opts.Stream)
	if err != nil {
		return 0, fmt.Errorf("bus: stream info: %w", err)
	}
	return s.CachedInfo().State.Msgs, nil
}

// Close drains the connection, so that publishes and acks already sent reach
// the server, then stops the embedded server, whose store can be reopened.
// Consume calls return ErrClosed. Close is idempotent.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		if err := b.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			b.closeErr = fmt.Errorf("bus: drain: %w", err)
			b.nc.Close()
		}
		// Drain closes the connection itself, within drainTimeout.
		<-b.closed
		b.stopServer()
	})
	return b.closeErr
}

func (b *Bus) stopServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}

func (b *Bus) mode() string {
	if b.opts.URL == "" {
		return "embedded"
	}
	return "external"
}

// Ping returns nil when the bus can take an event now: the connection is up
// and JetStream answers for the stream (a round trip, not merely an open
// socket; on a cluster it needs the stream's leader). Readiness probes ask
// it under a short deadline.
func (b *Bus) Ping(ctx context.Context) error {
	if st := b.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("bus: %s NATS connection %s", b.mode(), st)
	}
	if _, err := b.js.Stream(ctx, b.opts.Stream); err != nil {
		return fmt.Errorf("bus: %s NATS stream: %w", b.mode(), err)
	}
	return nil
}
