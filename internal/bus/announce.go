package bus

import (
	"fmt"

	"github.com/nats-io/nats.go"
)

// Announcements are plain NATS messages on a subject of their own, outside
// the stream: every node subscribed hears each one (fan-out, not a work
// queue), and nothing is kept. They say that something changed in the
// store ("the links of tenant X"), never what it became: a node that
// misses one catches up at its next periodic reload, which reads the
// store.

// announceSubject is "<stream>_announce.<topic>": beside the stream's
// subjects ("<stream>.>"), never captured by it.
func (b *Bus) announceSubject(topic string) (string, error) {
	if err := ValidToken(topic); err != nil {
		return "", fmt.Errorf("topic: %w", err)
	}
	return b.opts.Stream + "_announce." + topic, nil
}

// Announce sends data to every node listening on topic.
func (b *Bus) Announce(topic string, data []byte) error {
	subj, err := b.announceSubject(topic)
	if err != nil {
		return err
	}
	if err := b.nc.Publish(subj, data); err != nil {
		return fmt.Errorf("bus: announce: %w", err)
	}
	// Flush so that the announcement is on its way when the API answers.
	if err := b.nc.Flush(); err != nil {
		return fmt.Errorf("bus: announce: %w", err)
	}
	return nil
}

// Listen calls fn with every announcement on topic until stop is called.
// fn runs on one goroutine owned by the connection, one message at a
// time.
func (b *Bus) Listen(topic string, fn func(data []byte)) (stop func(), err error) {
	subj, err := b.announceSubject(topic)
	if err != nil {
		return nil, err
	}
	sub, err := b.nc.Subscribe(subj, func(m *nats.Msg) { fn(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("bus: listen: %w", err)
	}
	if err := b.nc.Flush(); err != nil { // the subscription is registered on return
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("bus: listen: %w", err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}
