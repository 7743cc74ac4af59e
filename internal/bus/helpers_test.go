package bus

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"parley/internal/core"
)

// checkFor polls fn until it returns nil or total elapses, the NATS server
// tests' way of waiting for a condition without sleeping blind.
func checkFor(t *testing.T, total, pause time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	var err error
	for time.Now().Before(deadline) {
		if err = fn(); err == nil {
			return
		}
		time.Sleep(pause)
	}
	t.Fatalf("condition not met within %s: %v", total, err)
}

func open(t *testing.T, o Options) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := Open(ctx, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func publish(t *testing.T, b *Bus, msgs ...Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range msgs {
		if err := b.Publish(ctx, m); err != nil {
			t.Fatalf("Publish %s: %v", m.ID, err)
		}
	}
}

func msg(i int) Message {
	return Message{
		Tenant: core.TenantID("t" + fmt.Sprint(i%3)),
		Lane:   "lane" + fmt.Sprint(i%2),
		ID:     fmt.Sprintf("id-%03d", i),
		Data:   []byte(fmt.Sprintf("sealed-%03d", i)),
	}
}

// consumer runs Consume in a goroutine the test owns and collects what it
// is handed.
type consumer struct {
	mu     sync.Mutex
	got    []Delivery
	cancel context.CancelFunc
	done   chan error
}

// consume starts b.Consume; ack says whether the handler acks at once.
func consume(t *testing.T, b *Bus, ack bool) *consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{cancel: cancel, done: make(chan error, 1)}
	go func() {
		c.done <- b.Consume(ctx, func(_ context.Context, d Delivery) {
			if ack {
				if err := d.Ack(); err != nil {
					t.Errorf("Ack %s: %v", d.ID, err)
				}
			}
			c.mu.Lock()
			c.got = append(c.got, d)
			c.mu.Unlock()
		})
	}()
	t.Cleanup(c.stop)
	return c
}

func (c *consumer) stop() {
	c.cancel()
	<-c.done
	c.done <- nil // later stops return at once
}

func (c *consumer) deliveries() []Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Delivery(nil), c.got...)
}

// waitCount waits until the consumer holds n deliveries.
func (c *consumer) waitCount(t *testing.T, n int) []Delivery {
	t.Helper()
	checkFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if got := len(c.deliveries()); got < n {
			return fmt.Errorf("%d of %d deliveries", got, n)
		}
		return nil
	})
	return c.deliveries()
}

func waitPending(t *testing.T, b *Bus, want uint64) {
	t.Helper()
	checkFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		n, err := b.Pending(context.Background())
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("pending %d, want %d", n, want)
		}
		return nil
	})
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func captureLogger(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
