package slack_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
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

// capture keeps the event deliveries the emulator made, to replay them.
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

// lateHandler lets the app server start before the connector it serves
// exists, because the connector needs the emulator's URL, and the emulator
// needs a client that trusts the app server.
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
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	late.set(e.lastEvent.wrap(e.conn.Handler(e.events)))

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
