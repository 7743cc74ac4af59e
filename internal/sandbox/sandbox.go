package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"parley/internal/admin"
	"parley/internal/config"
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/emulator"
	"parley/internal/gateway"
	"parley/internal/platform"
	"parley/internal/store"
	"parley/internal/tlsconf"
)

// Options configures a sandbox.
type Options struct {
	// DataDir holds everything the sandbox writes; created if missing.
	DataDir string
	// Listen is the gateway's public listener; port 0 picks a free port.
	Listen string
	// Manifest is where the manifest goes; default DataDir/sandbox.json.
	Manifest string
	// NoGateway runs only the emulators and writes a gateway config for
	// `parley serve --config` to run the gateway in its own process.
	NoGateway bool
	// Logger receives the gateway's and emulators' logs.
	Logger *slog.Logger
	// EventRetryDelays lets tests shorten the emulators' redelivery delays.
	EventRetryDelays []time.Duration
	// BusURL, when set, makes the gateway use an external NATS JetStream
	// server instead of the embedded one (the scale-out configuration).
	BusURL string
	// WrapClient, when set, wraps each workspace client the gateway
	// installs (fault injection for tests).
	WrapClient func(store.Workspace, connector.Client) connector.Client
	// BusCAFile and BusNKeySeedFile, with a tls:// BusURL, are the CA the
	// gateway trusts for that NATS and the file holding its nkey seed.
	BusCAFile, BusNKeySeedFile string
	// StoreURL, when set, makes the gateway keep its state in PostgreSQL
	// (the scale-out configuration) instead of its SQLite file.
	StoreURL string
	// BenchChannels adds that many extra linked channel pairs (acme
	// bench-N ↔ globex bench-N) for benchmarks that spread load the way
	// many conversations do.
	BenchChannels int
}

// Sandbox is a running sandbox.
type Sandbox struct {
	Manifest     *Manifest
	ManifestPath string

	gw        *gateway.Gateway
	servers   []*http.Server
	emulators []platform.Emulator
	byName    map[core.Platform]platform.Emulator
	ca        *tlsconf.CA
	leaf      tls.Certificate
	log       *slog.Logger
	wg        sync.WaitGroup
}

// Start brings everything up and writes the manifest. Close stops it.
func Start(ctx context.Context, o Options) (sb *Sandbox, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox data dir: %w", err)
	}
	if o.Manifest == "" {
		o.Manifest = filepath.Join(o.DataDir, "sandbox.json")
	}
	sb = &Sandbox{ManifestPath: o.Manifest, log: o.Logger, byName: map[core.Platform]platform.Emulator{}}
	started := sb // sb is nil once an error is returned
	defer func() {
		if err != nil {
			_ = started.Close(context.Background())
		}
	}()

	ca, err := tlsconf.NewCA("Parley sandbox CA")
	if err != nil {
		return nil, err
	}
	caFile, err := ca.WriteFiles(o.DataDir)
	if err != nil {
		return nil, err
	}
	leaf, err := ca.Issue("127.0.0.1", "localhost", "::1")
	if err != nil {
		return nil, err
	}
	sb.ca, sb.leaf = ca, leaf
	certFile, keyFile, err := writeLeaf(filepath.Join(o.DataDir, "tls"), leaf)
	if err != nil {
		return nil, err
	}

	// The gateway's address must be known before the apps are registered
	// with their request URLs.
	publicAddr, err := reserve(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	publicURL := "https://" + publicAddr
	adminAddr, err := reserve("127.0.0.1:0")
	if err != nil {
		return nil, err
	}

	secrets := newSecrets(filepath.Join(o.DataDir, "secrets"))
	adminURL := "https://" + adminAddr
	env := platform.DemoEnv{
		PublicURL:      publicURL,
		SignInCallback: func(name string) string { return adminURL + admin.Prefix + "auth/" + name + "/callback" },
		BenchChannels:  o.BenchChannels,
		Secret:         secrets.put,
	}
	var demos []demo
	for _, p := range Platforms() {
		emu := p.Sandbox.Start(emulator.Options{HTTPClient: tlsconf.HTTPClient(ca.Pool()), RetryDelays: o.EventRetryDelays, Logger: o.Logger.With("emulator", string(p.Name))})
		sb.emulators = append(sb.emulators, emu)
		sb.byName[p.Name] = emu
		base, err := sb.serve(tlsconf.Server(leaf), emu.Handler(), o.Logger)
		if err != nil {
			return nil, err
		}
		emu.SetBaseURL(base)
		d, err := emu.Demo(env)
		if err != nil {
			return nil, fmt.Errorf("%s demo: %w", p.Name, err)
		}
		demos = append(demos, demo{p: p, Demo: d})
	}

	adminToken := randomHex(24)
	m, err := manifestOf(demos, publicURL, adminURL)
	if err != nil {
		return nil, err
	}
	m.CAFile = caFile
	m.Gateway.AdminToken = adminToken
	alertSecret := randomHex(32)
	sinkURL, err := sb.serve(tlsconf.Server(leaf), &alertSink{key: []byte(alertSecret)}, o.Logger)
	if err != nil {
		return nil, err
	}
	m.Admin.AlertSink = &ManifestAlertSink{URL: sinkURL + "/alerts", ReceivedURL: sinkURL + "/received"}
	gwCfg := gatewayConfig{
		alertSecret: alertSecret,
		dataDir:     filepath.Join(o.DataDir, "gateway"), listen: publicAddr, publicURL: publicURL, adminListen: adminAddr, certFile: certFile, keyFile: keyFile, caFile: caFile,
		busURL: o.BusURL, busCAFile: o.BusCAFile, busNKeySeedFile: o.BusNKeySeedFile, storeURL: o.StoreURL, demos: demos, links: m.Links, tenants: m.Tenants,
	}
	cfgPath := filepath.Join(o.DataDir, "gateway.yaml")
	if err := gwCfg.write(cfgPath, secrets, adminToken); err != nil {
		return nil, err
	}
	m.GatewayConfig = cfgPath

	if !o.NoGateway {
		cfg, err := config.Load(cfgPath)
		if err != nil {
			return nil, err
		}
		sb.gw = gateway.New(cfg, o.Logger)
		sb.gw.WrapClient = o.WrapClient
		if err := sb.gw.Start(ctx); err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
		// Each demo person signs in with their platform and makes a
		// personal API token, as a person would.
		hc := tlsconf.HTTPClient(ca.Pool())
		for i, p := range m.Admin.People {
			tok, err := personalToken(ctx, hc, adminURL, p.Email, p.Platform)
			if err != nil {
				return nil, fmt.Errorf("admin demo: %w", err)
			}
			m.Admin.People[i].Token = tok
		}
	}

	ui := newUI(m, tlsconf.HTTPClient(ca.Pool()))
	if m.UIURL, err = sb.serve(tlsconf.Server(leaf), ui, o.Logger); err != nil {
		return nil, err
	}
	if err := m.write(o.Manifest); err != nil {
		return nil, err
	}
	sb.Manifest = m
	return sb, nil
}

// Emulator returns a platform's running emulator, as the platform's own
// type (platform.Emulator.Native), for tools and tests that drive the
// sandbox in process; nil when the platform is not in the sandbox.
func (sb *Sandbox) Emulator(name core.Platform) any {
	if e := sb.byName[name]; e != nil {
		return e.Native()
	}
	return nil
}

// CAPool is the pool trusting the sandbox's throw-away CA.
func (sb *Sandbox) CAPool() *x509.CertPool { return sb.ca.Pool() }

// Serve runs h on a fresh loopback TLS listener with the sandbox's
// certificate, until Close, and returns its base URL: for a test's or a
// benchmark's own endpoint (an observer app's request URL).
func (sb *Sandbox) Serve(h http.Handler) (string, error) {
	return sb.serve(tlsconf.Server(sb.leaf), h, sb.log)
}

// serve runs h on a fresh loopback TLS listener and returns its base URL.
func (sb *Sandbox) serve(cfg *tls.Config, h http.Handler, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	sb.wg.Add(1)
	go func() {
		defer sb.wg.Done()
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("sandbox listener stopped", "err", err)
		}
	}()
	return "https://" + ln.Addr().String(), nil
}

// Close stops the gateway, then the emulators.
func (sb *Sandbox) Close(ctx context.Context) error {
	var errs []error
	if sb.gw != nil {
		errs = append(errs, sb.gw.Close(ctx))
	}
	// Each graceful shutdown waits out HTTP/2's GOAWAY (a second) while the
	// gateway's connections linger: shut the listeners down together.
	shut := make(chan error, len(sb.servers))
	for _, s := range sb.servers {
		go func() { shut <- s.Shutdown(ctx) }()
	}
	for range sb.servers {
		errs = append(errs, <-shut)
	}
	for _, e := range sb.emulators {
		e.Close()
	}
	sb.wg.Wait()
	return errors.Join(errs...)
}

// reserve resolves a listen address with port 0 to a free port.
func reserve(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return addr, nil
	}
	// The address is closed again until the gateway listens on it, so it
	// is drawn from below the kernel's ephemeral range: a port the kernel
	// hands out for ":0" or an outgoing connection meanwhile (the
	// emulators start in between) cannot take it.
	low := ephemeralLow()
	for range 50 {
		p := reservedFloor + mrand.IntN(low-reservedFloor)
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			ln.Close()
			return ln.Addr().String(), nil
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// reservedFloor is the lowest port reserve picks: above the well-known
// and most registered services' ports.
const reservedFloor = 20000

// ephemeralLow is the bottom of the kernel's ephemeral port range (Linux
// default 32768).
func ephemeralLow() int {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				low = n
			}
		}
	}
	if low <= reservedFloor+1000 {
		low = reservedFloor + 1000
	}
	return low
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
