package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
	"github.com/slack-go/slack"

	"parley/internal/tlsconf"
)

// startNATS runs a JetStream server on a fixed loopback port and store, so
// it can be stopped and started again as an outage would.
func startNATS(t *testing.T, port int, dir string) *server.Server {
	t.Helper()
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

// TestBusOutageIsNeverAcknowledged runs the gateway on an external NATS
// JetStream (the scale-out configuration) and takes the bus away: Slack's
// deliveries are then refused so that Slack redelivers, never acknowledged
// and dropped; when the bus returns, the message is relayed exactly once.
func TestBusOutageIsNeverAcknowledged(t *testing.T) {
	dir := t.TempDir()
	ns := startNATS(t, -1, dir)
	port := ns.Addr().(interface{ String() string })
	addr := port.String()
	var p int
	if _, err := fmt.Sscanf(addr[strings.LastIndex(addr, ":")+1:], "%d", &p); err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, func(o *Options) {
		o.BusURL = "nats://" + addr
		o.EventRetryDelays = []time.Duration{0, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	})
	defer func() { ns.Shutdown() }()
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice := w.api(w.person(acme, "alice"))
	count := func(text string) func([]slack.Message) bool {
		return func(msgs []slack.Message) bool { return find(msgs, text) != nil }
	}

	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("over the external bus", false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "relay over the external bus", count("over the external bus"))

	ns.Shutdown()
	ns.WaitForShutdown()
	failedBefore := w.sb.SlackEmulator().DeliveryStats().Failures
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("during the bus outage", false)); err != nil {
		t.Fatal(err)
	}
	w.poll("Slack's delivery refused while the bus is down", func() bool {
		return w.sb.SlackEmulator().DeliveryStats().Failures > failedBefore
	})
	ns = startNATS(t, p, dir)

	w.await(globex, globexCh, "relayed after the bus returns", count("during the bus outage"))
	if !strings.Contains(w.admin("/metrics"), `parley_events_rejected_total{platform="slack",reason="unavailable"}`) {
		t.Error("the refusal was not counted")
	}
	// Exactly once: a later message arrives and the outage one is there once.
	if _, _, err := alice.PostMessage(acmeCh, slack.MsgOptionText("after the bus outage", false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "relay after the outage", func(msgs []slack.Message) bool {
		n := 0
		for _, m := range msgs {
			if strings.Contains(m.Text, "during the bus outage") {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("relayed %d times", n)
		}
		return find(msgs, "after the bus outage") != nil
	})
}

// TestGatewayOverTLSBus runs the gateway on an external NATS that demands
// TLS and an nkey user, configured the way an operator would (tls:// URL,
// bus.ca_file, bus.nkey_seed as a file: reference): messages relay.
func TestGatewayOverTLSBus(t *testing.T) {
	ca, err := tlsconf.NewCA("bus CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
		TLSConfig: tlsconf.Server(cert), TLSTimeout: 5, Nkeys: []*server.NkeyUser{{Nkey: pub}}})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS did not start")
	}
	dir := t.TempDir()
	caFile, err := ca.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	seedFile := filepath.Join(dir, "parley.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorld(t, func(o *Options) {
		o.BusURL = strings.Replace(ns.ClientURL(), "nats://", "tls://", 1)
		o.BusCAFile, o.BusNKeySeedFile = caFile, seedFile
	})
	conns, err := ns.Connz(&server.ConnzOptions{Username: true})
	if err != nil || len(conns.Conns) == 0 {
		t.Fatalf("the gateway is not connected to the bus: %v", err)
	}
	for _, c := range conns.Conns {
		if c.TLSVersion == "" || c.AuthorizedUser != pub {
			t.Errorf("bus connection: TLS %q, user %q; want TLS as %s", c.TLSVersion, c.AuthorizedUser, pub)
		}
	}
	acme, globex := w.ws("acme"), w.ws("globex")
	if _, _, err := w.api(w.person(acme, "alice")).PostMessage(w.linked(acme), slack.MsgOptionText("over the TLS bus", false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, w.linked(globex), "relay over the TLS bus", func(msgs []slack.Message) bool { return find(msgs, "over the TLS bus") != nil })
}

// A gateway that must not start makes Start fail with the reason, having
// stopped what it had started: plaintext to a bus beyond loopback here.
func TestStartRefusesPlaintextBus(t *testing.T) {
	sb, err := Start(context.Background(), Options{DataDir: t.TempDir(), BusURL: "nats://parley-bus.invalid:4222"})
	if err == nil {
		_ = sb.Close(context.Background())
		t.Fatal("the sandbox started with a plaintext bus beyond loopback")
	}
	if !strings.Contains(err.Error(), "bus.allow_plaintext") {
		t.Errorf("error = %v, want it to name bus.allow_plaintext", err)
	}
}
