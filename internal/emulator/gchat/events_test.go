package gchat

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

func TestInteractionEvents(t *testing.T) {
	ev := newEnv(t)
	got := ev.interactions.waitFor(1)
	var added map[string]any
	if err := json.Unmarshal(got[0].body, &added); err != nil || added["type"] != "ADDED_TO_SPACE" {
		t.Fatalf("first event = %s", got[0].body)
	}
	if ua := got[0].header.Get("User-Agent"); ua != "Google-Dynamite" {
		t.Fatalf("User-Agent = %q", ua)
	}
	claims, err := ev.verifyChatToken(got[0].header)
	if err != nil || claims["iss"] != chatIssuer {
		t.Fatalf("interaction token: %v %v", claims, err)
	}

	alice := ev.userService(ev.alice)
	if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "no mention here"}).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.appService().Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "<users/app> talks to itself"}).Do(); err != nil {
		t.Fatal(err)
	}
	m, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "<" + ev.app.UserName + "> help"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got = ev.interactions.waitFor(2)
	var msgEv struct {
		Type    string
		Message chat.Message
		User    chat.User
		Space   chat.Space
	}
	if err := json.Unmarshal(got[1].body, &msgEv); err != nil {
		t.Fatal(err)
	}
	// Deliveries to one app are in order, so the mention is the second
	// event only if neither earlier message produced one.
	if msgEv.Type != "MESSAGE" || msgEv.Message.Name != m.Name || msgEv.User.Email != "alice@acme.example" ||
		msgEv.Message.ArgumentText != " help" || msgEv.Message.Text != "@Parley help" || msgEv.Space.Name != ev.space.Name {
		t.Fatalf("MESSAGE event = %s", got[1].body)
	}
	if _, err := ev.verifyChatToken(got[1].header); err != nil {
		t.Fatal(err)
	}

	dm, err := ev.emu.AddDirectMessage(ev.app, ev.bob.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.userService(ev.bob).Spaces.Messages.Create(dm.Name, &chat.Message{Text: "plain DM"}).Do(); err != nil {
		t.Fatal(err)
	}
	got = ev.interactions.waitFor(4)
	if !strings.Contains(string(got[3].body), `"type":"MESSAGE"`) || !strings.Contains(string(got[3].body), `"DIRECT_MESSAGE"`) {
		t.Fatalf("DM event = %s", got[3].body)
	}
}

// subscribe creates a Workspace Events subscription through the official
// client with app authority.
func (ev *env) subscribe(types ...string) *workspaceevents.Subscription {
	ev.t.Helper()
	hc := ev.appClient("https://www.googleapis.com/auth/chat.app.messages.readonly")
	svc, err := workspaceevents.NewService(context.Background(), option.WithEndpoint(ev.emu.WorkspaceEventsURL()), option.WithHTTPClient(hc))
	if err != nil {
		ev.t.Fatal(err)
	}
	op, err := svc.Subscriptions.Create(&workspaceevents.Subscription{
		TargetResource:       "//chat.googleapis.com/" + ev.space.Name,
		EventTypes:           types,
		NotificationEndpoint: &workspaceevents.NotificationEndpoint{PubsubTopic: ev.app.PubSubTopic},
		PayloadOptions:       &workspaceevents.PayloadOptions{IncludeResource: true},
	}).Do()
	if err != nil {
		ev.t.Fatal(err)
	}
	if !op.Done {
		ev.t.Fatalf("operation not done: %+v", op)
	}
	var sub workspaceevents.Subscription
	if err := json.Unmarshal(op.Response, &sub); err != nil {
		ev.t.Fatal(err)
	}
	if sub.State != "ACTIVE" || sub.Name == "" {
		ev.t.Fatalf("subscription = %+v", sub)
	}
	got, err := svc.Subscriptions.Get(sub.Name).Do()
	if err != nil || got.Name != sub.Name {
		ev.t.Fatalf("get subscription = %+v, %v", got, err)
	}
	return &sub
}

var allChatTypes = []string{
	"google.workspace.chat.message.v1.created", "google.workspace.chat.message.v1.updated",
	"google.workspace.chat.message.v1.deleted", "google.workspace.chat.reaction.v1.created",
	"google.workspace.chat.reaction.v1.deleted",
}

func TestWorkspaceEventsPushedInOrder(t *testing.T) {
	ev := newEnv(t)
	sub := ev.subscribe(allChatTypes...)
	// The first push is refused once: it must be retried before anything
	// after it is delivered.
	ev.pushes.fail = func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return 0
	}
	alice := ev.userService(ev.alice)
	m, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "hello"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Patch(m.Name, &chat.Message{Text: "hello!"}).UpdateMask("text").Do(); err != nil {
		t.Fatal(err)
	}
	r, err := alice.Spaces.Messages.Reactions.Create(m.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "👍"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Reactions.Delete(r.Name).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Delete(m.Name).Do(); err != nil {
		t.Fatal(err)
	}
	appMsg, err := ev.appService().Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "from the app"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	got := ev.pushes.waitFor(7)
	want := []struct{ typ, name string }{
		{"google.workspace.chat.message.v1.created", m.Name},
		{"google.workspace.chat.message.v1.created", m.Name}, // the retry
		{"google.workspace.chat.message.v1.updated", m.Name},
		{"google.workspace.chat.reaction.v1.created", r.Name},
		{"google.workspace.chat.reaction.v1.deleted", r.Name},
		{"google.workspace.chat.message.v1.deleted", m.Name},
		{"google.workspace.chat.message.v1.created", appMsg.Name},
	}
	for i, w := range want {
		p, data := decodePush(t, got[i])
		a := p.Message.Attributes
		if a["ce-type"] != w.typ || a["ce-specversion"] != "1.0" || a["ce-subject"] != "//chat.googleapis.com/"+ev.space.Name ||
			a["ce-source"] != "//workspaceevents.googleapis.com/"+sub.Name || a["ce-id"] == "" || a["ce-time"] == "" {
			t.Fatalf("push %d attributes = %v", i, a)
		}
		if p.Subscription != ev.app.PubSubSubscription || p.Message.MessageID == "" || p.Message.PublishTime == "" {
			t.Fatalf("push %d = %+v", i, p)
		}
		var res map[string]any
		if strings.Contains(w.typ, ".reaction.") {
			res, _ = data["reaction"].(map[string]any)
		} else {
			res, _ = data["message"].(map[string]any)
		}
		if res["name"] != w.name {
			t.Fatalf("push %d data = %v, want resource %s", i, data, w.name)
		}
		claims, err := ev.verifyOIDCToken(got[i].header, "https://parley.example/gchat/push")
		if err != nil || claims["email"] != ev.app.PushServiceAccountEmail || claims["email_verified"] != true {
			t.Fatalf("push %d token: %v %v", i, claims, err)
		}
	}
	_, data := decodePush(t, got[5])
	deleted, _ := data["message"].(map[string]any)
	keys := slices.Sorted(maps.Keys(deleted))
	if !slices.Equal(keys, []string{"createTime", "deletionMetadata", "name"}) || deleted["createTime"] != m.CreateTime {
		t.Fatalf("deleted event message = %v, want only name, createTime and deletionMetadata", deleted)
	}
	if md, _ := deleted["deletionMetadata"].(map[string]any); md["deletionType"] != "CREATOR_VIA_APP" {
		t.Fatalf("deletionMetadata = %v", deleted["deletionMetadata"])
	}
	_, data = decodePush(t, got[6])
	sender := data["message"].(map[string]any)["sender"].(map[string]any)
	if sender["type"] != "BOT" || sender["name"] != ev.app.UserName {
		t.Fatalf("app message sender = %v", sender)
	}
	_, data = decodePush(t, got[0])
	if data["message"].(map[string]any)["text"] != "hello" {
		t.Fatalf("includeResource payload = %v", data)
	}
}

func TestSubscriptionRules(t *testing.T) {
	ev := newEnv(t)
	ev.subscribe("google.workspace.chat.message.v1.created")
	hc := ev.appClient("https://www.googleapis.com/auth/chat.app.messages.readonly")
	svc, err := workspaceevents.NewService(context.Background(), option.WithEndpoint(ev.emu.WorkspaceEventsURL()), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	botOnly, err := workspaceevents.NewService(context.Background(), option.WithEndpoint(ev.emu.WorkspaceEventsURL()),
		option.WithHTTPClient(ev.appClient("https://www.googleapis.com/auth/chat.bot")))
	if err != nil {
		t.Fatal(err)
	}
	base := func() *workspaceevents.Subscription {
		return &workspaceevents.Subscription{
			TargetResource:       "//chat.googleapis.com/" + ev.space.Name,
			EventTypes:           []string{"google.workspace.chat.message.v1.updated"},
			NotificationEndpoint: &workspaceevents.NotificationEndpoint{PubsubTopic: ev.app.PubSubTopic},
		}
	}
	tests := []struct {
		name   string
		svc    *workspaceevents.Service
		mutate func(*workspaceevents.Subscription)
		code   int
	}{
		{"duplicate", svc, func(s *workspaceevents.Subscription) {
			s.EventTypes = []string{"google.workspace.chat.message.v1.created"}
		}, http.StatusConflict},
		{"unknown event type", svc, func(s *workspaceevents.Subscription) {
			s.EventTypes = []string{"google.workspace.chat.nope.v1.created"}
		}, http.StatusBadRequest},
		{"bad target", svc, func(s *workspaceevents.Subscription) { s.TargetResource = "//drive.googleapis.com/files/x" }, http.StatusBadRequest},
		{"unknown topic", svc, func(s *workspaceevents.Subscription) {
			s.NotificationEndpoint.PubsubTopic = "projects/other/topics/t"
		}, http.StatusNotFound},
		{"chat.bot is not enough", botOnly, func(*workspaceevents.Subscription) {}, http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mutate(s)
			_, err := tc.svc.Subscriptions.Create(s).Do()
			if code, msg := apiCode(err); code != tc.code {
				t.Fatalf("code = %d (%s), want %d", code, msg, tc.code)
			}
		})
	}
	list, err := svc.Subscriptions.List().Filter(`event_types:"google.workspace.chat.message.v1.created"`).Do()
	if err != nil || len(list.Subscriptions) != 1 {
		t.Fatalf("list = %+v, %v", list, err)
	}
}
