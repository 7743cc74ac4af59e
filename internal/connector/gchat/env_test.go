package gchat_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	gchatconn "parley/internal/connector/gchat"
	"parley/internal/core"
	gchatemu "parley/internal/emulator/gchat"
	"parley/internal/secret"
)

const projectNumber = "123456789012"

// env is a Google Workspace domain in the emulator, served over TLS, with
// the connector installed (with a relay user) and its Handler as the app's
// interaction and push endpoint.
type env struct {
	emu     *gchatemu.Emulator
	emuSrv  *httptest.Server
	appSrv  *httptest.Server
	conn    *gchatconn.Connector
	client  connector.Client
	events  *conformance.Recorder
	app     gchatemu.App
	domain  gchatemu.Domain
	space   gchatemu.Space
	person  gchatemu.User
	relay   gchatemu.User
	logs    *syncBuffer
	httpCli *http.Client
	pushes  *capture
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{events: conformance.NewRecorder(), logs: &syncBuffer{}, pushes: &capture{}}
	emuH, appH := &lateHandler{}, &lateHandler{}
	e.emuSrv = httptest.NewTLSServer(emuH)
	t.Cleanup(e.emuSrv.Close)
	e.appSrv = httptest.NewTLSServer(appH)
	t.Cleanup(e.appSrv.Close)
	// httptest servers share one certificate, so either client trusts both.
	e.httpCli = e.emuSrv.Client()

	e.emu = gchatemu.New(gchatemu.Options{
		HTTPClient:  e.httpCli,
		RetryDelays: []time.Duration{20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond},
	})
	t.Cleanup(e.emu.Close)
	e.emu.SetBaseURL(e.emuSrv.URL)
	emuH.Set(e.emu.Handler())

	e.domain = e.emu.AddDomain("acme.example")
	e.person = e.emu.AddUser(e.domain.Name, "Alice Example", "alice@acme.example")
	e.relay = e.emu.AddUser(e.domain.Name, "Parley Relay", "parley-relay@acme.example")
	e.space = e.emu.AddSpace(e.domain.Name, "Partners", e.person.Name, e.relay.Name)
	e.app = e.emu.RegisterApp(gchatemu.AppSpec{
		ProjectNumber:       projectNumber,
		Name:                "Parley",
		InteractionEndpoint: e.appSrv.URL + "/gchat/events",
		PushEndpoint:        e.appSrv.URL + "/gchat/pubsub",
	})

	e.conn = gchatconn.New(gchatconn.Config{
		ServiceAccountKey:  secret.New(string(e.app.ServiceAccountKeyJSON)),
		ProjectNumber:      projectNumber,
		PushAudience:       e.appSrv.URL + "/gchat/pubsub",
		PushServiceAccount: e.app.PushServiceAccountEmail,
		PubsubTopic:        e.app.PubSubTopic,
		APIURL:             e.emu.APIURL(),
		EventsAPIURL:       e.emu.WorkspaceEventsURL(),
		TokenURL:           e.emu.TokenURL(),
		ChatCertsURL:       e.emu.ChatCertsURL(),
		OIDCJWKSURL:        e.emu.OIDCJWKSURL(),
		HTTPClient:         e.httpCli,
		// The emulator is on loopback.
		AllowPrivateAddresses: true,
		Logger:                slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err := e.conn.Config().Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	app := http.StripPrefix("/gchat", e.conn.Handler(e.events))
	pushes := e.pushes.Wrap(app) // only Pub/Sub pushes are captured, to replay them
	appH.Set(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/pubsub") {
			pushes.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	}))
	if err := e.emu.AddAppToSpace(e.app, e.space.Name); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := e.conn.Install(ctx, connector.Installation{
		Tenant:    "t1",
		Workspace: core.WorkspaceID(e.domain.Name),
		Token:     secret.New(e.relay.Token),
	})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	if err := cl.(*gchatconn.RelayClient).Watch(ctx, core.ChannelID(e.space.Name)); err != nil {
		t.Fatalf("watch: %v", err)
	}
	e.client = cl
	return e
}

// userAPI is the Chat API as a person with token uses it.
func (e *env) userAPI(t *testing.T, token string) *chat.Service {
	t.Helper()
	svc, err := chat.NewService(context.Background(),
		option.WithEndpoint(e.emu.APIURL()),
		option.WithHTTPClient(&http.Client{Transport: &bearerTransport{token: token, base: e.httpCli.Transport}}))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

type bearerTransport struct {
	token string
	base  http.RoundTripper
}

// RoundTrip adds the token and, like a patient person, waits out the
// space's write limit (1/s after a burst) when the body can be resent.
func (b *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	for try := 0; ; try++ {
		req := r.Clone(r.Context())
		if try > 0 && r.GetBody != nil {
			body, err := r.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		req.Header.Set("Authorization", "Bearer "+b.token)
		resp, err := b.base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || try == 5 || (r.Body != nil && r.GetBody == nil) {
			return resp, err
		}
		resp.Body.Close()
		t := time.NewTimer(time.Second)
		select {
		case <-r.Context().Done():
			t.Stop()
			return nil, r.Context().Err()
		case <-t.C:
		}
	}
}

func (e *env) channelRef() core.ChannelRef {
	return core.ChannelRef{Platform: core.GChat, Workspace: core.WorkspaceID(e.domain.Name), Channel: core.ChannelID(e.space.Name)}
}

// The shared test support, under the names these tests use.
type (
	syncBuffer  = conformance.LogBuffer
	capture     = conformance.Capture
	delivery    = conformance.Delivery
	lateHandler = conformance.LateHandler
)
