package slack_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/secret"
)

const signingSecret = "conformance-signing-secret"

// env is a Slack workspace in the emulator, served over TLS, with the
// connector installed and its Handler as the app's request URL.
type env struct {
	emu       *slackemu.Emulator
	emuSrv    *httptest.Server
	appSrv    *httptest.Server
	conn      *slackconn.Connector
	client    connector.Client
	events    *conformance.Recorder
	team      slackemu.Workspace
	channel   slackemu.Channel
	person    slackemu.User
	install   slackemu.Installation
	logs      *syncBuffer
	lastEvent *capture
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{events: conformance.NewRecorder(), logs: &syncBuffer{}, lastEvent: &capture{}}

	late := &lateHandler{}
	e.appSrv = httptest.NewTLSServer(late)
	t.Cleanup(e.appSrv.Close)

	e.emu = slackemu.New(slackemu.Options{
		HTTPClient:  e.appSrv.Client(),
		AckTimeout:  2 * time.Second,
		RetryDelays: []time.Duration{},
		Logger:      slog.New(slog.DiscardHandler),
	})
	e.emuSrv = httptest.NewTLSServer(e.emu.Handler())
	t.Cleanup(e.emuSrv.Close)
	t.Cleanup(e.emu.Close)
	e.emu.SetBaseURL(e.emuSrv.URL)

	e.conn = slackconn.New(slackconn.Config{
		SigningSecret: secret.New(signingSecret),
		APIURL:        e.emuSrv.URL + "/api/",
		HTTPClient:    e.emuSrv.Client(),
		// The emulator is on loopback.
		AllowPrivateAddresses: true,
		Logger:                slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	late.Set(e.lastEvent.Wrap(e.conn.Handler(e.events)))

	e.team = e.emu.AddWorkspace("Conformance")
	e.person = e.emu.AddUser(e.team.ID, "ann", "ann@example.com")
	app := e.emu.AddApp(slackemu.AppSpec{
		Name:          "Parley",
		ClientID:      "cid",
		ClientSecret:  "csecret",
		SigningSecret: signingSecret,
		RequestURL:    e.appSrv.URL + "/slack/events",
		BotScopes: []string{
			"chat:write", "chat:write.customize", "channels:history", "channels:read",
			"reactions:read", "reactions:write", "files:read", "files:write",
			"users:read", "users:read.email",
		},
	})
	e.install = e.emu.Install(app.ID, e.team.ID)
	e.channel = e.emu.AddChannel(e.team.ID, "bridge", e.person.ID)
	if err := e.emu.Invite(e.team.ID, e.channel.ID, e.install.BotUserID); err != nil {
		t.Fatalf("invite bot: %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cl, err := e.conn.Install(ctx, connector.Installation{
		Tenant:    "tenant-conformance",
		Workspace: core.WorkspaceID(e.team.ID),
		Token:     secret.New(e.install.BotToken),
	})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	e.client = cl
	return e
}

func (e *env) channelRef() core.ChannelRef {
	return core.ChannelRef{Platform: core.Slack, Workspace: core.WorkspaceID(e.team.ID), Channel: core.ChannelID(e.channel.ID)}
}

// userAPI is slack-go acting with a person's token.
func (e *env) userAPI(token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(e.emuSrv.URL+"/api/"), slack.OptionHTTPClient(e.emuSrv.Client()))
}

// The shared test support, under the names these tests use.
type (
	syncBuffer  = conformance.LogBuffer
	capture     = conformance.Capture
	delivery    = conformance.Delivery
	lateHandler = conformance.LateHandler
)
