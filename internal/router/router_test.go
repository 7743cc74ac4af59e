package router

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	slackconn "parley/internal/connector/slack"
	"parley/internal/core"
	"parley/internal/delivery"
	slackemu "parley/internal/emulator/slack"
	"parley/internal/msgmap"
	"parley/internal/richtext"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// env is two Slack workspaces in the emulator, the real connector, and a
// router over a real store and vault: everything but the bus.
type env struct {
	r       *Router
	msgs    *msgmap.Map
	clients clientMap
	emu     *slackemu.Emulator
	api     string
	srv     *httptest.Server
	src     core.ChannelRef
	dst     core.ChannelRef
	alice   slackemu.User
	bob     slackemu.User
	bots    map[core.WorkspaceID]string // the app's bot user per workspace
}

// clientMap holds installed clients by tenant and workspace, as the
// gateway's registry does.
type clientMap map[tenantWS]connector.Client

type tenantWS struct {
	t  core.TenantID
	ws core.WorkspaceID
}

func (c clientMap) Client(t core.TenantID, _ core.Platform, ws core.WorkspaceID) (connector.Client, error) {
	if cl, ok := c[tenantWS{t, ws}]; ok {
		return cl, nil
	}
	return nil, connector.ErrUnknownWorkspace
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	emu := slackemu.New(slackemu.Options{Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewTLSServer(emu.Handler())
	t.Cleanup(func() { srv.Close(); emu.Close() })
	emu.SetBaseURL(srv.URL)
	app := emu.AddApp(slackemu.AppSpec{Name: "Parley", SigningSecret: "s", BotScopes: []string{"chat:write", "chat:write.customize", "channels:history", "channels:read", "users:read", "users:read.email", "reactions:write"}})
	conn := slackconn.New(slackconn.Config{SigningSecret: secret.New("s"), APIURL: srv.URL + "/api/", HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler)})
	e := &env{emu: emu, srv: srv, api: srv.URL + "/api/", clients: clientMap{}, bots: map[core.WorkspaceID]string{}}
	for i, name := range []string{"acme", "globex"} {
		ws := emu.AddWorkspace(name)
		u := emu.AddUser(ws.ID, "person"+name, name+"@example.com")
		ch := emu.AddChannel(ws.ID, "shared", u.ID)
		inst := emu.Install(app.ID, ws.ID)
		e.bots[core.WorkspaceID(ws.ID)] = inst.BotUserID
		if err := emu.Invite(ws.ID, ch.ID, inst.BotUserID); err != nil {
			t.Fatal(err)
		}
		cl, err := conn.Install(ctx, connector.Installation{Tenant: "t", Workspace: core.WorkspaceID(ws.ID), Token: secret.New(inst.BotToken)})
		if err != nil {
			t.Fatal(err)
		}
		e.clients[tenantWS{"t", core.WorkspaceID(ws.ID)}] = cl
		ref := core.ChannelRef{Platform: core.Slack, Workspace: core.WorkspaceID(ws.ID), Channel: core.ChannelID(ch.ID)}
		if i == 0 {
			e.src, e.alice = ref, u
		} else {
			e.dst, e.bob = ref, u
		}
	}
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kek, err := vault.OpenKEK(ctx, "file://"+filepath.Join(dir, "kek.json"))
	if err != nil {
		t.Fatal(err)
	}
	v := vault.New(kek, st)
	e.msgs = msgmap.New(st, v, time.Hour, nil)
	lanes := delivery.New(slog.New(slog.DiscardHandler), delivery.Policy{BaseBackoff: time.Millisecond})
	t.Cleanup(lanes.Close)
	e.r = New(Options{Clients: e.clients, Messages: e.msgs, Lanes: lanes, Logger: slog.New(slog.DiscardHandler), DeliveryTTL: time.Minute,
		WorkspaceName: func(core.TenantID, core.Platform, core.WorkspaceID) string { return "" }, Pseudonym: v.Pseudonym})
	e.r.SetLinks([]store.Link{{ID: "l", Tenant: "t", Channels: []core.ChannelRef{e.src, e.dst}}})
	return e
}

// route routes ev and waits for every destination to finish.
func (e *env) route(t *testing.T, ev core.Event) error {
	t.Helper()
	done := make(chan error, 1)
	e.r.Route(context.Background(), ev, func(err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("route did not finish")
		return nil
	}
}

// count returns how many messages in the destination channel contain s.
func (e *env) count(t *testing.T, s string) int {
	t.Helper()
	api := slack.New(e.bob.Token, slack.OptionAPIURL(e.api), slack.OptionHTTPClient(e.srv.Client()))
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: string(e.dst.Channel), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range h.Messages {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

func posted(src core.ChannelRef, id, text string, author core.UserID) core.Event {
	return core.Event{ID: core.EventID("Ev" + id), Kind: core.Posted, Tenant: "t", Source: src, Message: core.MessageID(id),
		Author: core.Author{ID: author}, Body: richtext.Plain(text), Time: time.Now()}
}

// TestRetryAfterUnknownOutcomeDoesNotDuplicate: an earlier attempt posted
// the copy but died before recording it; delivering again finds the copy by
// its key instead of posting a second one.
func TestRetryAfterUnknownOutcomeDoesNotDuplicate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ev := posted(e.src, "1700000000.000100", "landed-before-the-crash", core.UserID(e.alice.ID))

	// The earlier attempt, up to the moment the process died.
	key, err := e.msgs.DeliveryKey(ctx, "t", ev.MessageRef(), e.dst)
	if err != nil {
		t.Fatal(err)
	}
	if first, err := e.msgs.FirstAttempt(ctx, key); err != nil || !first {
		t.Fatalf("FirstAttempt = %v, %v", first, err)
	}
	lost, err := e.clients[tenantWS{"t", e.dst.Workspace}].Send(ctx, e.dst.Channel, connector.Message{Body: ev.Body, Key: key})
	if err != nil {
		t.Fatal(err)
	}

	// The retry.
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "landed-before-the-crash"); n != 1 {
		t.Fatalf("%d copies at the destination, want 1", n)
	}
	if id, err := e.msgs.Find(ctx, "t", ev.MessageRef(), e.dst); err != nil || id != lost {
		t.Fatalf("the landed copy was not recorded: %q, %v (want %q)", id, err, lost)
	}

	// Routing the same event yet again is a no-op too.
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "landed-before-the-crash"); n != 1 {
		t.Fatalf("%d copies after a redelivery, want 1", n)
	}
}

// TestRetryAfterLostAttemptSends: an earlier attempt recorded its intent
// but never reached the platform; the retry finds nothing and sends.
func TestRetryAfterLostAttemptSends(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ev := posted(e.src, "1700000000.000200", "never-left-the-building", core.UserID(e.alice.ID))
	key, _ := e.msgs.DeliveryKey(ctx, "t", ev.MessageRef(), e.dst)
	if _, err := e.msgs.FirstAttempt(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "never-left-the-building"); n != 1 {
		t.Fatalf("%d copies, want 1", n)
	}
}

// TestEventsStayInTheirTenant: a tenant whose link names another tenant's
// workspaces gets nothing through that tenant's installs — the router
// looks clients up by the event's tenant — while the owner's own event
// is relayed.
func TestEventsStayInTheirTenant(t *testing.T) {
	e := newEnv(t)
	e.r.SetLinks([]store.Link{
		{ID: "l", Tenant: "t", Channels: []core.ChannelRef{e.src, e.dst}},
		{ID: "l", Tenant: "intruder", Channels: []core.ChannelRef{e.src, e.dst}},
	})
	ev := posted(e.src, "1700000000.000100", "for tenant t only", core.UserID(e.alice.ID))
	ev.Tenant = "intruder"
	ev.ID = "Ev-intruder"
	// An unknown destination is retried within the delivery's TTL (it may
	// be being reinstalled): let that run out soon.
	ev.Time = time.Now().Add(-time.Minute + time.Second)
	if err := e.route(t, ev); err == nil {
		t.Fatal("routing another tenant's event through tenant t's install succeeded")
	}
	if n := e.count(t, "for tenant t only"); n != 0 {
		t.Fatalf("an event of tenant intruder reached tenant t's workspace %d times", n)
	}
	own := posted(e.src, "1700000000.000200", "tenant t's own", core.UserID(e.alice.ID))
	if err := e.route(t, own); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "tenant t's own"); n != 1 {
		t.Fatalf("the owner's event arrived %d times, want 1", n)
	}
}
