package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

const testSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// received is one request the test app got from the emulator.
type received struct {
	header http.Header
	body   []byte
	event  slackevents.EventsAPIEvent
	inner  map[string]any
}

// receiver is a test app's Events API endpoint. It checks every request
// with slack-go's own verifier and parser, so the emulator is held to what
// real clients accept.
type receiver struct {
	t   *testing.T
	srv *httptest.Server

	mu  sync.Mutex
	got []received
	// respond, if set, may answer instead of the default 200; n counts
	// the deliveries of the same body from 1.
	respond func(w http.ResponseWriter, g received, n int) bool
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	sv, err := slackapi.NewSecretsVerifier(r.Header, testSigningSecret)
	if err != nil {
		rc.t.Errorf("NewSecretsVerifier: %v", err)
		http.Error(w, "bad signature headers", http.StatusUnauthorized)
		return
	}
	_, _ = sv.Write(body)
	if err := sv.Ensure(); err != nil {
		rc.t.Errorf("signature: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		rc.t.Errorf("ParseEvent: %v (%s)", err, body)
	}
	var env struct {
		Event     map[string]any `json:"event"`
		Challenge string         `json:"challenge"`
	}
	_ = json.Unmarshal(body, &env)
	g := received{header: r.Header.Clone(), body: body, event: ev, inner: env.Event}
	rc.mu.Lock()
	n := 1
	for _, prev := range rc.got {
		if string(prev.body) == string(body) {
			n++
		}
	}
	respond := rc.respond
	rc.got = append(rc.got, g)
	rc.mu.Unlock()
	if respond != nil && respond(w, g, n) {
		return
	}
	if ev.Type == slackevents.URLVerification {
		_, _ = w.Write([]byte(env.Challenge))
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitEvent polls until an event_callback whose inner event matches
// arrives, and returns it.
func (rc *receiver) waitEvent(match func(map[string]any) bool) received {
	rc.t.Helper()
	var found received
	checkFor(rc.t, 5*time.Second, func() bool {
		for _, g := range rc.all() {
			if g.inner != nil && match(g.inner) {
				found = g
				return true
			}
		}
		return false
	})
	return found
}

func ofType(typ, subtype string) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		st, _ := ev["subtype"].(string)
		return ev["type"] == typ && st == subtype
	}
}

// checkFor polls fn until it is true or the deadline passes.
func checkFor(t *testing.T, total time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(total)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", total)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// env is a workspace with two people, a channel, and an installed app
// whose bot is in the channel and whose request URL is a receiver.
type env struct {
	emu   *Emulator
	srv   *httptest.Server
	rc    *receiver
	ws    Workspace
	alice User
	bob   User
	ch    Channel
	app   App
	inst  Installation
}

var defaultBotScopes = []string{
	"chat:write", "chat:write.customize", "channels:history", "channels:read", "channels:join",
	"reactions:read", "reactions:write", "files:read", "files:write", "users:read", "users:read.email",
}

func newEnv(t *testing.T, opts Options, botScopes ...string) *env {
	t.Helper()
	if botScopes == nil {
		botScopes = defaultBotScopes
	}
	rc := newReceiver(t)
	if opts.HTTPClient == nil {
		opts.HTTPClient = rc.srv.Client()
	}
	if opts.RetryDelays == nil {
		opts.RetryDelays = []time.Duration{0, 20 * time.Millisecond, 40 * time.Millisecond}
	}
	emu := New(opts)
	t.Cleanup(emu.Close)
	srv := httptest.NewTLSServer(emu.Handler())
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	ws := emu.AddWorkspace("Acme Corp")
	alice := emu.AddUser(ws.ID, "alice", "alice@acme.example")
	bob := emu.AddUser(ws.ID, "bob", "Bob@Acme.example")
	ch := emu.AddChannel(ws.ID, "general", alice.ID, bob.ID)
	app := emu.AddApp(AppSpec{Name: "Parley", ClientID: "111.222", ClientSecret: "shh", SigningSecret: testSigningSecret,
		RequestURL: rc.srv.URL + "/slack/events", BotScopes: botScopes})
	inst := emu.Install(app.ID, ws.ID)
	if err := emu.Invite(ws.ID, ch.ID, inst.BotUserID); err != nil {
		t.Fatalf("Invite: %v", err)
	}
	return &env{emu: emu, srv: srv, rc: rc, ws: ws, alice: alice, bob: bob, ch: ch, app: app, inst: inst}
}

func (e *env) client(token string) *slackapi.Client {
	return slackapi.New(token, slackapi.OptionAPIURL(e.srv.URL+"/api/"), slackapi.OptionHTTPClient(e.srv.Client()))
}

// raw makes a Web API call by hand and decodes the answer.
func (e *env) raw(t *testing.T, method, contentType, body string, header map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+"/api/"+method, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, res.Header, out
}

// control calls the control API.
func (e *env) control(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+"/_emulator/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}
