package webex_test

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

// capture keeps the deliveries the emulator made, to replay them.
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

// lateHandler lets the webhook target start before the connector exists.
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
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	late.set(e.got.wrap(e.conn.Handler(e.events)))

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
		Client:      e.client,
		Channel:     e.channelRef(),
		Person:      &person{user: e.user(e.person.Token), p: e.person, room: e.room.ID, texts: texts},
		Viewer:      &viewer{user: e.user(e.person.Token), texts: texts},
		Events:      e.events,
		Unsupported: []string{"Reactor", conformance.InboundReaction},
		Timeout:     10 * time.Second,
	}
}
