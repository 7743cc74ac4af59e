package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

func TestPublishConsumeAck(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	publish(t, b, msg(1), msg(2), msg(3))
	waitPending(t, b, 3)

	c := consume(t, b, true)
	got := c.waitCount(t, 3)
	waitPending(t, b, 0)
	for i, d := range got {
		want := msg(i + 1)
		if d.Tenant != want.Tenant || d.Lane != want.Lane || d.ID != want.ID || string(d.Data) != string(want.Data) || d.Attempt != 1 {
			t.Errorf("delivery %d = %+v, want %+v attempt 1", i, d, want)
		}
	}
}

func TestOrderPreserved(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	var want []string
	for i := range 200 {
		publish(t, b, msg(i))
		want = append(want, msg(i).ID)
	}
	c := consume(t, b, true)
	var got []string
	for _, d := range c.waitCount(t, len(want)) {
		got = append(got, d.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order differs:\n got %v\nwant %v", got, want)
	}
}

// The router acks after the destination accepted a message, so Consume must
// keep delivering while earlier deliveries await their ack.
func TestConsumeKeepsFetchingWhileUnacked(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	const n = 300 // more than the client's prefetch buffer
	for i := range n {
		publish(t, b, msg(i))
	}
	c := consume(t, b, false)
	got := c.waitCount(t, n)
	waitPending(t, b, n)
	done := make(chan error, 1)
	go func() {
		for _, d := range got {
			if err := d.Ack(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if err := <-done; err != nil {
		t.Fatalf("Ack from another goroutine: %v", err)
	}
	waitPending(t, b, 0)
}

func TestRedeliveryAfterRestart(t *testing.T) {
	dir := t.TempDir()
	o := Options{DataDir: dir, AckWait: 500 * time.Millisecond}
	b, err := Open(context.Background(), o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	publish(t, b, msg(1), msg(2), msg(3))
	c := consume(t, b, false)
	got := c.waitCount(t, 3)
	if err := got[0].Ack(); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	c.stop()
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	b = open(t, o)
	waitPending(t, b, 2)
	c = consume(t, b, true)
	again := c.waitCount(t, 2)
	if again[0].ID != msg(2).ID || again[1].ID != msg(3).ID {
		t.Fatalf("redelivered %s, %s; want %s, %s", again[0].ID, again[1].ID, msg(2).ID, msg(3).ID)
	}
	for _, d := range again {
		if d.Attempt < 2 {
			t.Errorf("%s: Attempt = %d, want at least 2", d.ID, d.Attempt)
		}
	}
	waitPending(t, b, 0)
}

func TestDuplicateIDDropped(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	first := msg(1)
	second := first
	second.Data = []byte("a retry with other bytes")
	publish(t, b, first, second)
	waitPending(t, b, 1)

	c := consume(t, b, true)
	got := c.waitCount(t, 1)
	waitPending(t, b, 0)
	if string(got[0].Data) != string(first.Data) {
		t.Errorf("data = %q, want the first publish", got[0].Data)
	}
}

func TestNakRedelivers(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	publish(t, b, msg(1))
	ctx, cancel := context.WithCancel(context.Background())
	attempts := make(chan int, 4)
	done := make(chan error, 1)
	go func() {
		done <- b.Consume(ctx, func(_ context.Context, d Delivery) {
			attempts <- d.Attempt
			var err error
			if d.Attempt == 1 {
				err = d.Nak(10 * time.Millisecond)
			} else {
				err = d.Ack()
			}
			if err != nil {
				t.Errorf("attempt %d: %v", d.Attempt, err)
			}
		})
	}()
	defer func() { cancel(); <-done }()
	for want := 1; want <= 2; want++ {
		select {
		case got := <-attempts:
			if got != want {
				t.Fatalf("attempt = %d, want %d", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no attempt %d", want)
		}
	}
	waitPending(t, b, 0)
}

func TestMaxAgeExpiry(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir(), MaxAge: time.Second})
	publish(t, b, msg(1), msg(2))
	waitPending(t, b, 2)
	// Nothing consumes: the messages must still leave the bus.
	waitPending(t, b, 0)
}

func TestInvalidMessagesRejected(t *testing.T) {
	b := open(t, Options{DataDir: t.TempDir()})
	long := strings.Repeat("x", 129)
	tests := []struct {
		name    string
		mutate  func(*Message)
		wantErr error
	}{
		{"empty lane", func(m *Message) { m.Lane = "" }, ErrInvalidToken},
		{"dot in lane", func(m *Message) { m.Lane = "a.b" }, ErrInvalidToken},
		{"star lane", func(m *Message) { m.Lane = "*" }, ErrInvalidToken},
		{"gt lane", func(m *Message) { m.Lane = ">" }, ErrInvalidToken},
		{"space in lane", func(m *Message) { m.Lane = "a b" }, ErrInvalidToken},
		{"tab in lane", func(m *Message) { m.Lane = "a\tb" }, ErrInvalidToken},
		{"non-ascii lane", func(m *Message) { m.Lane = "lané" }, ErrInvalidToken},
		{"long lane", func(m *Message) { m.Lane = long }, ErrInvalidToken},
		{"empty tenant", func(m *Message) { m.Tenant = "" }, ErrInvalidToken},
		{"wildcard tenant", func(m *Message) { m.Tenant = "acme.>" }, ErrInvalidToken},
		{"empty id", func(m *Message) { m.ID = "" }, ErrInvalidID},
		{"header injection id", func(m *Message) { m.ID = "x\r\nNats-Expected-Stream: other" }, ErrInvalidID},
		{"long id", func(m *Message) { m.ID = strings.Repeat("i", 257) }, ErrInvalidID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := msg(1)
			tt.mutate(&m)
			if err := b.Publish(context.Background(), m); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Publish = %v, want %v", err, tt.wantErr)
			}
		})
	}
	waitPending(t, b, 0)
}

func TestOptionsRejected(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"no data dir and no url", Options{}},
		{"stream with dot", Options{DataDir: "x", Stream: "A.B"}},
		{"stream with slash", Options{DataDir: "x", Stream: "A/B"}},
		{"negative max age", Options{DataDir: "x", MaxAge: -time.Second}},
		{"replicas embedded", Options{DataDir: "x", Replicas: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := Open(context.Background(), tt.o); err == nil {
				_ = b.Close()
				t.Fatal("Open accepted bad options")
			}
		})
	}
}

func TestEmbeddedServerIsPrivate(t *testing.T) {
	dir := t.TempDir()
	b := open(t, Options{DataDir: dir})
	publish(t, b, msg(1))
	if addr := b.srv.Addr(); addr != nil {
		t.Errorf("embedded server listens on %s", addr)
	}
	if addr := b.srv.MonitorAddr(); addr != nil {
		t.Errorf("embedded server has a monitoring port on %s", addr)
	}
	fi, err := os.Stat(filepath.Join(dir, "jetstream"))
	if err != nil {
		t.Fatalf("store directory: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("store directory mode = %o, want 700", perm)
	}
}

func TestCloseEndsConsume(t *testing.T) {
	b, err := Open(context.Background(), Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- b.Consume(context.Background(), func(context.Context, Delivery) { close(started) })
	}()
	publish(t, b, msg(1))
	<-started
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Consume = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Consume still running after Close")
	}
	if err := b.Publish(context.Background(), msg(2)); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// Payloads are sealed by the caller, but the bus must still never log them:
// not on the normal path, not when it drops a malformed message.
func TestPayloadNeverLogged(t *testing.T) {
	const marker = "PAYLOAD-MARKER-7f3a"
	var logs syncBuffer
	b := open(t, Options{DataDir: t.TempDir(), Logger: captureLogger(&logs)})
	m := msg(1)
	m.Data = []byte(marker)
	publish(t, b, m)
	// A message nobody in Parley would publish: no lane token and an
	// idempotency key as its only header.
	stray := nats.NewMsg(DefaultStream + "." + marker)
	stray.Header.Set(nats.MsgIdHdr, marker)
	stray.Data = []byte(marker)
	if _, err := b.js.PublishMsg(context.Background(), stray); err != nil {
		t.Fatalf("publish stray: %v", err)
	}
	c := consume(t, b, true)
	c.waitCount(t, 1)
	waitPending(t, b, 0)
	if !strings.Contains(logs.String(), "malformed") {
		t.Fatalf("the malformed message was not reported; logs:\n%s", logs.String())
	}
	c.stop()
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if strings.Contains(logs.String(), marker) {
		t.Fatalf("logs contain the payload marker:\n%s", logs.String())
	}
}

// InProgress must hold off redelivery for work longer than AckWait.
func TestInProgressDefersRedelivery(t *testing.T) {
	const ackWait = 400 * time.Millisecond
	b := open(t, Options{DataDir: t.TempDir(), AckWait: ackWait})
	publish(t, b, msg(1))
	c := consume(t, b, false)
	d := c.waitCount(t, 1)[0]
	for end := time.Now().Add(3 * ackWait); time.Now().Before(end); time.Sleep(ackWait / 4) {
		if err := d.InProgress(); err != nil {
			t.Fatalf("InProgress: %v", err)
		}
		if n := len(c.deliveries()); n != 1 {
			t.Fatalf("%d deliveries while in progress, want 1", n)
		}
	}
	if err := d.Ack(); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	waitPending(t, b, 0)
}

func TestZeroDeliveryErrors(t *testing.T) {
	var d Delivery
	if d.Ack() == nil || d.Nak(0) == nil || d.InProgress() == nil {
		t.Fatal("a Delivery not from Consume accepted an ack")
	}
}

// TestResetConsumerRedeliversInOrderAtOnce: after a restart, messages that
// were delivered but never acked come back immediately and before newer
// ones, not after AckWait.
func TestResetConsumerRedeliversInOrderAtOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	b := openEmbeddedForReset(t, dir)
	for i := range 3 {
		if err := b.Publish(ctx, Message{Tenant: "t", Lane: "l", ID: fmt.Sprintf("old-%d", i), Data: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan Delivery, 10)
	cctx, cancel := context.WithCancel(ctx)
	go func() { _ = b.Consume(cctx, func(_ context.Context, d Delivery) { got <- d }) }()
	for range 3 {
		<-got // delivered, never acked: the process "dies"
	}
	cancel()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openEmbeddedForReset(t, dir)
	defer b.Close()
	if err := b.ResetConsumer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, Message{Tenant: "t", Lane: "l", ID: "new", Data: []byte{9}}); err != nil {
		t.Fatal(err)
	}
	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	go func() { _ = b.Consume(cctx, func(_ context.Context, d Delivery) { got <- d }) }()
	want := []string{"old-0", "old-1", "old-2", "new"}
	for _, id := range want {
		select {
		case d := <-got:
			if d.ID != id {
				t.Fatalf("got %s, want %s", d.ID, id)
			}
			_ = d.Ack()
		case <-time.After(5 * time.Second): // AckWait below is 1 minute
			t.Fatalf("%s not redelivered at once", id)
		}
	}
}

func openEmbeddedForReset(t *testing.T, dir string) *Bus {
	t.Helper()
	b, err := Open(context.Background(), Options{DataDir: dir, AckWait: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
