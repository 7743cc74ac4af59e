package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
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
	gchatemu "parley/internal/emulator/gchat"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/gateway"
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

	gw      *gateway.Gateway
	servers []*http.Server
	emu     *slackemu.Emulator
	teams   *teamsemu.Emulator
	gchat   *gchatemu.Emulator
	webex   *webexemu.Emulator
	ca      *tlsconf.CA
	leaf    tls.Certificate
	log     *slog.Logger
	wg      sync.WaitGroup
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
	sb = &Sandbox{ManifestPath: o.Manifest, log: o.Logger}
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

	sb.emu = slackemu.New(slackemu.Options{HTTPClient: tlsconf.HTTPClient(ca.Pool()), RetryDelays: o.EventRetryDelays, Logger: o.Logger.With("emulator", "slack")})
	slackURL, err := sb.serve(tlsconf.Server(leaf), sb.emu.Handler(), o.Logger)
	if err != nil {
		return nil, err
	}
	sb.emu.SetBaseURL(slackURL)

	secrets := newSecrets(filepath.Join(o.DataDir, "secrets"))
	signing := randomHex(32)
	adminURL := "https://" + adminAddr
	slackSecret := randomHex(16)
	demo, err := buildSlackDemo(sb.emu, slackemu.AppSpec{
		Name: "Parley", ClientID: "parley-sandbox", ClientSecret: slackSecret, SigningSecret: signing,
		RequestURL: publicURL + "/slack/events", BotScopes: botScopes,
		RedirectURLs: []string{adminURL + admin.Prefix + "auth/slack/callback"},
	}, o.BenchChannels)
	if err != nil {
		return nil, err
	}
	hooli, err := buildHooliDemo(sb.emu, demo.appID)
	if err != nil {
		return nil, err
	}

	delivery := tlsconf.HTTPClient(ca.Pool())
	sb.gchat = gchatemu.New(gchatemu.Options{HTTPClient: delivery, RetryDelays: o.EventRetryDelays, Logger: o.Logger.With("emulator", "gchat")})
	gchatURL, err := sb.serve(tlsconf.Server(leaf), sb.gchat.Handler(), o.Logger)
	if err != nil {
		return nil, err
	}
	sb.gchat.SetBaseURL(gchatURL)
	gdemo, err := buildGChatDemo(sb.gchat, publicURL)
	if err != nil {
		return nil, err
	}
	sb.webex = webexemu.New(webexemu.Options{HTTPClient: delivery, RetryDelays: o.EventRetryDelays, Logger: o.Logger.With("emulator", "webex")})
	webexURL, err := sb.serve(tlsconf.Server(leaf), sb.webex.Handler(), o.Logger)
	if err != nil {
		return nil, err
	}
	sb.webex.SetBaseURL(webexURL)
	wdemo, err := buildWebexDemo(sb.webex)
	if err != nil {
		return nil, err
	}
	sb.teams = teamsemu.New(teamsemu.Options{HTTPClient: delivery, RetryDelays: o.EventRetryDelays, Logger: o.Logger.With("emulator", "teams")})
	teamsURL, err := sb.serve(tlsconf.Server(leaf), sb.teams.Handler(), o.Logger)
	if err != nil {
		return nil, err
	}
	sb.teams.SetBaseURL(teamsURL)
	tdemo, err := buildTeamsDemo(sb.teams, publicURL)
	if err != nil {
		return nil, err
	}
	signIn := registerSignIn(adminURL, sb.emu.IssuerURL(), "parley-sandbox", slackSecret, sb.teams, tdemo.tenant.ID, sb.gchat, sb.webex)
	for i := range demo.links {
		demo.links[i].Tenant = demoTenant
	}
	partners := &demo.links[0]
	partners.Name = "partners: acme, globex, contoso, initech, umbrella"
	partners.Channels = append(partners.Channels,
		ManifestChannel{Platform: "teams", Workspace: tdemo.tenant.ID, Channel: tdemo.channel},
		ManifestChannel{Platform: "gchat", Workspace: gdemo.domain.Name, Channel: gdemo.space},
		ManifestChannel{Platform: "webex", Workspace: wdemo.org.ID, Channel: wdemo.room})

	adminToken := randomHex(24)
	gwCfg := gatewayConfig{
		dataDir: filepath.Join(o.DataDir, "gateway"), listen: publicAddr, publicURL: publicURL, adminListen: adminAddr, certFile: certFile, keyFile: keyFile, caFile: caFile,
		busURL: o.BusURL, busCAFile: o.BusCAFile, busNKeySeedFile: o.BusNKeySeedFile, storeURL: o.StoreURL, slackAPI: slackURL + "/api/", demo: demo, hooli: hooli, signIn: signIn, teams: tdemo, teamsEmu: sb.teams, gchat: gdemo, gchatEmu: sb.gchat, webex: wdemo, webexAPI: sb.webex.APIURL(),
	}
	cfgPath := filepath.Join(o.DataDir, "gateway.yaml")
	if err := gwCfg.write(cfgPath, secrets, signing, adminToken); err != nil {
		return nil, err
	}

	m := &Manifest{
		CAFile:        caFile,
		GatewayConfig: cfgPath,
		Gateway: ManifestGateway{
			PublicURL: publicURL, AdminURL: "https://" + adminAddr, AdminToken: adminToken,
			Inbound: map[string]string{
				"slack":             publicURL + "/slack/events",
				"teams":             publicURL + "/teams/messages",
				"gchat":             publicURL + "/gchat/pubsub",
				"gchat_interaction": publicURL + "/gchat/events",
				"webex":             publicURL + "/webex/webhooks",
			},
		},
		Platforms: ManifestPlatforms{
			Slack: &ManifestSlack{APIURL: slackURL + "/api/", ControlURL: slackURL + "/_emulator/", Workspaces: append(demo.workspaces, hooli.workspaces...), OIDCIssuer: sb.emu.IssuerURL()},
			Teams: &ManifestTeams{GraphURL: sb.teams.GraphURL(), ControlURL: sb.teams.ControlURL(), Tenants: []TeamsTenant{tdemo.tenant}, OIDCIssuer: sb.teams.IssuerURL(tdemo.tenant.ID)},
			GChat: &ManifestGChat{APIURL: sb.gchat.APIURL(), ControlURL: sb.gchat.ControlURL(), Domains: []GChatDomain{gdemo.domain}, OIDCIssuer: sb.gchat.IssuerURL()},
			Webex: &ManifestWebex{APIURL: sb.webex.APIURL(), ControlURL: webexURL + "/_emulator/", Orgs: []WebexOrg{wdemo.org}, OIDCIssuer: sb.webex.IssuerURL()},
		},
		Links: append(demo.links, hooli.link),
		Admin: &ManifestAdmin{APIURL: adminURL + admin.Prefix, OpenAPIURL: adminURL + admin.Prefix + "openapi.json", ConsoleURL: adminURL + "/"},
	}
	for _, t := range []ManifestTenant{{ID: demoTenant, Name: "Demo tenant"}, {ID: hooliTenant, Name: "Hooli and Pied Piper"}} {
		for _, l := range m.Links {
			if l.Tenant == t.ID {
				t.Links = append(t.Links, l.ID)
			}
		}
		m.Tenants = append(m.Tenants, t)
	}
	for _, p := range adminPeople {
		m.Admin.People = append(m.Admin.People, AdminPerson{Email: p.email, Tenant: p.tenant, Role: p.role, Platform: p.platform})
	}

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
		for i, p := range adminPeople {
			tok, err := personalToken(ctx, hc, adminURL, p)
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

// SlackEmulator returns the running Slack emulator, for tools and tests that
// drive the sandbox in process (e.g. to read its delivery counters).
func (sb *Sandbox) SlackEmulator() *slackemu.Emulator { return sb.emu }

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
	if sb.emu != nil {
		sb.emu.Close()
	}
	if sb.teams != nil {
		sb.teams.Close()
	}
	if sb.gchat != nil {
		sb.gchat.Close()
	}
	if sb.webex != nil {
		sb.webex.Close()
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
