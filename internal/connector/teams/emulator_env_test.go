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
		// The emulator is on loopback.
		AllowPrivateAddresses: true,
		HTTPClient:            &http.Client{Transport: e.uploads, Timeout: 10 * time.Second},
		Logger:                slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:                   e.clock.now,
	}
}

func newEnv(t testing.TB) *env {
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
	late.Set(e.capture.Wrap(e.conn.Handler(e.events)))
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

// The shared test support, under the names these tests use.
type (
	syncBuffer  = conformance.LogBuffer
	capture     = conformance.Capture
	delivery    = conformance.Delivery
	lateHandler = conformance.LateHandler
)
