package bus

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

func ping(b *Bus) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return b.Ping(ctx)
}

// TestPingEmbedded: the embedded bus answers until its server is gone, and
// once closed.
func TestPingEmbedded(t *testing.T) {
	for _, stop := range []struct {
		name string
		fn   func(b *Bus)
	}{
		{"server down", func(b *Bus) { b.srv.Shutdown(); b.srv.WaitForShutdown() }},
		{"closed", func(b *Bus) { _ = b.Close() }},
	} {
		t.Run(stop.name, func(t *testing.T) {
			b := open(t, Options{DataDir: t.TempDir()})
			if err := ping(b); err != nil {
				t.Fatalf("Ping on an open bus: %v", err)
			}
			stop.fn(b)
			checkFor(t, 10*time.Second, 20*time.Millisecond, func() error {
				if ping(b) == nil {
					return errors.New("Ping still nil")
				}
				return nil
			})
		})
	}
}

// TestPingExternalOutage: against an external server, Ping fails while the
// server is down and answers again once it is back and the client has
// reconnected by itself.
func TestPingExternalOutage(t *testing.T) {
	dir := t.TempDir()
	start := func(port int) *server.Server {
		ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
		if err != nil {
			t.Fatal(err)
		}
		go ns.Start()
		if !ns.ReadyForConnections(10 * time.Second) {
			t.Fatal("NATS did not start")
		}
		return ns
	}
	ns := start(-1)
	addr := ns.Addr().(*net.TCPAddr)
	b := open(t, Options{URL: "nats://" + addr.String()})
	if err := ping(b); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	ns.Shutdown()
	ns.WaitForShutdown()
	checkFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		if ping(b) == nil {
			return errors.New("Ping nil while the server is down")
		}
		return nil
	})
	ns = start(addr.Port)
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	checkFor(t, 30*time.Second, 50*time.Millisecond, func() error { return ping(b) })
}
