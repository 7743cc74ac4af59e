package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	teamsconn "parley/internal/connector/teams"
	"parley/internal/core"
	teamsemu "parley/internal/emulator/teams"
	"parley/internal/secret"
)

const appSecret = "conformance-app-secret"

// env is a Teams tenant in the emulator, served over TLS, with the
// connector installed and its Handler as the bot's messaging endpoint.
type env struct {
	emu     *teamsemu.Emulator
	emuSrv  *httptest.Server
	appSrv  *httptest.Server
	conn    *teamsconn.Connector
	client  connector.Client
	events  *conformance.Recorder
	tenant  teamsemu.Tenant
	team    teamsemu.Team
	channel teamsemu.Channel
	person  teamsemu.User
	bot     teamsemu.Bot
	logs    *syncBuffer
	capture *capture
	uploads *uploadLog
	clock   *testClock
}

// testClock is the wall clock moved forward by what the test asked.
type testClock struct{ off atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// syncBuffer is a log sink safe for the handler's concurrent writes.
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

// capture keeps the activity deliveries the emulator made, to replay them.
type capture struct {
	mu         sync.Mutex
	deliveries []delivery
}

type delivery struct {
	body   []byte
	header http.Header
}

func (c *capture) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 2<<20))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.deliveries = append(c.deliveries, delivery{body: body, header: r.Header.Clone()})
		c.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// find returns a delivery whose body contains s.
func (c *capture) find(s string) (delivery, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.deliveries {
		if bytes.Contains(d.body, []byte(s)) {
			return d, true
		}
	}
	return delivery{}, false
}

// uploadLog records the drive items the connector's uploads created, so
// the viewer can open a shared file the way a person's client does (the
// emulator has no by-URL lookup for a file card's SharePoint link).
type uploadLog struct {
	next  http.RoundTripper
	mu    sync.Mutex
	byWeb map[string]string // webUrl → pre-authenticated download URL
}

func (u *uploadLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := u.next.RoundTrip(r)
	if err != nil || r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/drives/") {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	var it struct {
		WebURL   string `json:"webUrl"`
		Download string `json:"@microsoft.graph.downloadUrl"`
	}
	if json.Unmarshal(body, &it) == nil && it.WebURL != "" {
		u.mu.Lock()
		u.byWeb[it.WebURL] = it.Download
		u.mu.Unlock()
	}
	return resp, nil
}

func (u *uploadLog) download(web string) (string, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	d, ok := u.byWeb[web]
	return d, ok
}

// lateHandler lets the app server start before the connector it serves
// exists: the connector needs the emulator's URL, and the emulator needs
// a client that trusts the app server.
type lateHandler struct {
	mu sync.RWMutex
	h  http.Handler
}

func (l *lateHandler) set(h http.Handler) {
	l.mu.Lock()
	l.h = h
	l.mu.Unlock()
}

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.RLock()
	h := l.h
	l.mu.RUnlock()
	if h == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}

// config points a connector at the emulator.
func (e *env) config() teamsconn.Config {
	host, _ := url.Parse(e.emuSrv.URL)
	return teamsconn.Config{
		AppID:              e.bot.AppID,
		AppSecret:          secret.New(appSecret),
		TenantID:           e.tenant.ID,
		OpenIDMetadataURL:  e.emu.OpenIDMetadataURL(),
		TokenURL:           strings.Replace(e.emu.TokenURL("TENANT"), "TENANT", "{tenant}", 1),
		GraphURL:           e.emu.GraphURL(),
		ServiceURL:         e.emu.ServiceURL(),
		AllowedServiceURLs: []string{host.Host},
		HTTPClient:         &http.Client{Transport: e.uploads, Timeout: 10 * time.Second},
		Logger:             slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:                e.clock.now,
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{events: conformance.NewRecorder(), logs: &syncBuffer{}, capture: &capture{}, clock: &testClock{}}

	late := &lateHandler{}
	e.appSrv = httptest.NewTLSServer(late)
	t.Cleanup(e.appSrv.Close)

	e.emu = teamsemu.New(teamsemu.Options{
		HTTPClient:  e.appSrv.Client(),
		RetryDelays: []time.Duration{},
		Logger:      slog.New(slog.DiscardHandler),
	})
	e.emuSrv = httptest.NewTLSServer(e.emu.Handler())
	t.Cleanup(e.emuSrv.Close)
	t.Cleanup(e.emu.Close)
	e.emu.SetBaseURL(e.emuSrv.URL)
	e.uploads = &uploadLog{next: e.emuSrv.Client().Transport, byWeb: map[string]string{}}

	e.tenant = e.emu.AddTenant("Conformance")
	e.person = e.emu.AddUser(e.tenant.ID, "Ann Example", "ann@example.com")
	e.team = e.emu.AddTeam(e.tenant.ID, "Bridge Team", e.person.ID)
	e.channel = e.emu.AddChannel(e.tenant.ID, e.team.ID, "bridge")
	e.bot = e.emu.RegisterBot(teamsemu.BotSpec{AppSecret: appSecret, Name: "Parley", Endpoint: e.appSrv.URL + "/api/messages"})

	e.conn = teamsconn.New(e.config())
	late.set(e.capture.wrap(e.conn.Handler(e.events)))
	if err := e.emu.InstallBot(e.bot.AppID, e.team.ID); err != nil {
		t.Fatalf("install bot: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cl, err := e.conn.Install(ctx, connector.Installation{Tenant: "tenant-conformance", Workspace: core.WorkspaceID(e.tenant.ID)})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	e.client = cl
	return e
}

func (e *env) channelRef() core.ChannelRef {
	return core.ChannelRef{Platform: core.Teams, Workspace: core.WorkspaceID(e.tenant.ID), Channel: core.ChannelID(e.channel.ID)}
}

func secretOf(s string) secret.Secret { return secret.New(s) }
