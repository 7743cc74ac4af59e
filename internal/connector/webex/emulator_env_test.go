package webex_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	webexconn "parley/internal/connector/webex"
	"parley/internal/core"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/secret"
)

const webhookSecret = "conformance-webhook-secret"

// env is an org in the emulator over TLS, with the connector installed
// with the service account's integration token and its Handler as the
// webhook target.
type env struct {
	emu     *webexemu.Emulator
	emuSrv  *httptest.Server
	appSrv  *httptest.Server
	conn    *webexconn.Connector
	client  connector.Client
	events  *conformance.Recorder
	org     webexemu.Org
	room    webexemu.Room
	person  webexemu.Person
	service webexemu.Person
	logs    *syncBuffer
	got     *capture
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{events: conformance.NewRecorder(), logs: &syncBuffer{}, got: &capture{}}
	late := &lateHandler{}
	e.appSrv = httptest.NewTLSServer(late)
	t.Cleanup(e.appSrv.Close)

	e.emu = webexemu.New(webexemu.Options{HTTPClient: e.appSrv.Client(), RetryDelays: []time.Duration{}})
	e.emuSrv = httptest.NewTLSServer(e.emu.Handler())
	t.Cleanup(e.emuSrv.Close)
	t.Cleanup(e.emu.Close)
	e.emu.SetBaseURL(e.emuSrv.URL)

	e.conn = webexconn.New(webexconn.Config{
		WebhookSecret: secret.New(webhookSecret),
		APIURL:        e.emu.APIURL(),
		PublicURL:     e.appSrv.URL + "/webex/webhooks",
		HTTPClient:    e.emuSrv.Client(),
		// The emulator is on loopback.
		AllowPrivateAddresses: true,
		Logger:                slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	late.Set(e.got.Wrap(e.conn.Handler(e.events)))

	e.org = e.emu.AddOrg("Conformance")
	e.person = e.emu.AddPerson(e.org.ID, "Ann Lee", "ann@conformance.example")
	e.service = e.emu.AddPerson(e.org.ID, "Parley Relay", "parley@conformance.example")
	e.room = e.emu.AddRoom(e.org.ID, "bridge", e.person.ID, e.service.ID)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cl, err := e.conn.Install(ctx, connector.Installation{
		Tenant: "tenant-conformance", Workspace: core.WorkspaceID(e.org.ID), Token: secret.New(e.service.Token),
	})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	e.client = cl
	return e
}

func (e *env) channelRef() core.ChannelRef {
	return core.ChannelRef{Platform: core.Webex, Workspace: core.WorkspaceID(e.org.ID), Channel: core.ChannelID(e.room.ID)}
}

func (e *env) user(token string) *user {
	return &user{http: e.emuSrv.Client(), api: e.emu.APIURL(), token: token}
}

func (e *env) harness(texts *textLog) conformance.Harness {
	return conformance.Harness{
		Client:  e.client,
		Channel: e.channelRef(),
		Tenant:  "tenant-conformance",
		InstallAs: func(ctx context.Context, tenant core.TenantID) (connector.Client, error) {
			return e.conn.Install(ctx, connector.Installation{Tenant: tenant, Workspace: core.WorkspaceID(e.org.ID), Token: secret.New(e.service.Token)})
		},
		Person:      &person{user: e.user(e.person.Token), p: e.person, room: e.room.ID, texts: texts},
		Viewer:      &viewer{user: e.user(e.person.Token), texts: texts},
		Events:      e.events,
		Unsupported: []string{"Reactor", conformance.InboundReaction},
		Timeout:     10 * time.Second,
	}
}

// The shared test support, under the names these tests use.
type (
	syncBuffer  = conformance.LogBuffer
	capture     = conformance.Capture
	delivery    = conformance.Delivery
	lateHandler = conformance.LateHandler
)
