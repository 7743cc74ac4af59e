package gchat

import (
	"context"
	"testing"
	"time"

	"parley/internal/core"
)

func TestTranslate(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	human := &wireUser{Name: "users/111", DisplayName: "Ann", Email: "ann@acme.example", Type: "HUMAN"}
	msg := func(name, thread string, reply bool) *wireMessage {
		return &wireMessage{Name: testSpace + "/messages/" + name, Sender: human, CreateTime: "2026-11-22T10:00:00Z",
			LastUpdateTime: "2026-11-22T10:05:00Z", FormattedText: "hi *there* <users/222>",
			Thread: &wireThread{Name: testSpace + "/threads/" + thread}, ThreadReply: reply}
	}
	reaction := func(id, unicode, user string) *wireReaction {
		r := &wireReaction{Name: testSpace + "/messages/M1/reactions/" + id, User: &wireUser{Name: user, Type: "HUMAN"}}
		if unicode != "" {
			r.Emoji = &struct {
				Unicode     string `json:"unicode"`
				CustomEmoji *struct {
					UID string `json:"uid"`
				} `json:"customEmoji"`
			}{Unicode: unicode}
		}
		return r
	}
	withFile := msg("F1", "F1", false)
	withFile.Attachment = []wireAttachment{
		{Name: "a1", ContentName: "report.pdf", ContentType: "application/pdf", AttachmentDataRef: &struct {
			ResourceName string `json:"resourceName"`
		}{ResourceName: "ref-1"}},
		{Name: "a2", ContentName: "drive.doc", Source: "DRIVE_FILE"},
	}
	ours := msg("O1", "O1", false)
	ours.ClientAssignedMessageID = messageIDPrefix + "abc"
	appMsg := msg("B1", "B1", false)
	appMsg.Sender = &wireUser{Name: "users/app1", Type: "BOT"}
	otherBot := msg("B2", "B2", false)
	otherBot.Sender = &wireUser{Name: "users/otherbot", Type: "BOT", DisplayName: "CI"}
	deletedOnly := &wireMessage{Name: testSpace + "/messages/D1", DeleteTime: "2026-11-22T11:00:00Z"}

	// The steps share one identity, so they run in order: thread roots and
	// reactions learned early are used later.
	id := newIdentity("t1", testDomain, time.Now)
	id.learnApp("users/app1")
	id.learnRelay("users/relay")
	steps := []struct {
		name   string
		typ    string
		data   eventData
		want   bool
		check  func(t *testing.T, ev core.Event)
		finder rootFinder
	}{
		{"top-level post", ceMessageCreated, eventData{Message: msg("M1", "T1", false)}, true, func(t *testing.T, ev core.Event) {
			if ev.Kind != core.Posted || ev.Message != testSpace+"/messages/M1" || ev.Thread != "" ||
				ev.Source.Channel != testSpace || ev.Source.Workspace != testDomain || ev.Author.ID != "users/111" ||
				ev.Author.Email != "ann@acme.example" || !ev.Time.Equal(at) {
				t.Fatalf("event %+v", ev)
			}
			if ev.Body.IsEmpty() || len(ev.Body.Nodes) != 4 {
				t.Fatalf("body %+v", ev.Body)
			}
		}, nil},
		{"reply to a known root", ceMessageCreated, eventData{Message: msg("M2", "T1", true)}, true, func(t *testing.T, ev core.Event) {
			if ev.Thread != testSpace+"/messages/M1" {
				t.Fatalf("thread %q", ev.Thread)
			}
		}, nil},
		{"reply to an unknown root is looked up", ceMessageCreated, eventData{Message: msg("M3", "T9", true)}, true, func(t *testing.T, ev core.Event) {
			if ev.Thread != testSpace+"/messages/ROOT9" {
				t.Fatalf("thread %q", ev.Thread)
			}
		}, func(_ context.Context, thread string) string {
			if thread == testSpace+"/threads/T9" {
				return testSpace + "/messages/ROOT9"
			}
			return ""
		}},
		{"edit", ceMessageUpdated, eventData{Message: msg("M1", "T1", false)}, true, func(t *testing.T, ev core.Event) {
			if ev.Kind != core.Edited || ev.Thread != "" || !ev.Time.Equal(at.Add(5*time.Minute)) {
				t.Fatalf("event %+v", ev)
			}
		}, nil},
		{"delete with only the name", ceMessageDeleted, eventData{Message: deletedOnly}, true, func(t *testing.T, ev core.Event) {
			if ev.Kind != core.Deleted || ev.Message != testSpace+"/messages/D1" {
				t.Fatalf("event %+v", ev)
			}
		}, nil},
		{"file", ceMessageCreated, eventData{Message: withFile}, true, func(t *testing.T, ev core.Event) {
			if len(ev.Files) != 1 || ev.Files[0].ID != "ref-1" || ev.Files[0].Name != "report.pdf" {
				t.Fatalf("files %+v", ev.Files)
			}
		}, nil},
		{"our message by custom id", ceMessageCreated, eventData{Message: ours}, false, nil, nil},
		{"our app's message", ceMessageUpdated, eventData{Message: appMsg}, false, nil, nil},
		{"another app's message", ceMessageCreated, eventData{Message: otherBot}, true, func(t *testing.T, ev core.Event) {
			if ev.Author.Name != "CI" {
				t.Fatalf("author %+v", ev.Author)
			}
		}, nil},
		{"reaction", ceReactionCreated, eventData{Reaction: reaction("R1", "🎉", "users/111")}, true, func(t *testing.T, ev core.Event) {
			if ev.Kind != core.ReactionAdded || ev.Emoji != "tada" || ev.Message != testSpace+"/messages/M1" || ev.Author.ID != "users/111" {
				t.Fatalf("event %+v", ev)
			}
		}, nil},
		{"reaction removed, known by name", ceReactionDeleted, eventData{Reaction: &wireReaction{Name: testSpace + "/messages/M1/reactions/R1"}}, true, func(t *testing.T, ev core.Event) {
			if ev.Kind != core.ReactionRemoved || ev.Emoji != "tada" || ev.Author.ID != "users/111" {
				t.Fatalf("event %+v", ev)
			}
		}, nil},
		{"reaction removed, never seen", ceReactionDeleted, eventData{Reaction: &wireReaction{Name: testSpace + "/messages/M1/reactions/R7"}}, false, nil, nil},
		{"relay user's reaction", ceReactionCreated, eventData{Reaction: reaction("R2", "👍", "users/relay")}, false, nil, nil},
		{"emoji without a short name", ceReactionCreated, eventData{Reaction: reaction("R3", "🦩", "users/111")}, false, nil, nil},
		{"custom emoji", ceReactionCreated, eventData{Reaction: reaction("R4", "", "users/111")}, false, nil, nil},
		{"membership event", "google.workspace.chat.membership.v1.created", eventData{}, false, nil, nil},
		{"message without data", ceMessageCreated, eventData{}, false, nil, nil},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ce := cloudEvent{ID: "ce-" + string(rune('a'+i)), Type: st.typ, Time: at, Data: st.data}
			ev, ok := translate(context.Background(), ce, id, st.finder)
			if ok != st.want {
				t.Fatalf("relayed = %v, want %v (%+v)", ok, st.want, ev)
			}
			if ok && string(ev.ID) != ce.ID {
				t.Fatalf("event ID %q", ev.ID)
			}
			if ok && st.check != nil {
				st.check(t, ev)
			}
		})
	}
}

func TestPendingReactionIsEcho(t *testing.T) {
	// Before the relay user is known, a reaction being added by us is
	// recognised by message and emoji.
	id := newIdentity("t1", testDomain, time.Now)
	id.pending.put(testSpace+"/messages/M1|✅", "")
	r := &wireReaction{Name: testSpace + "/messages/M1/reactions/R9", User: &wireUser{Name: "users/999"}}
	if !id.oursReaction(r, "✅") {
		t.Fatal("pending reaction not recognised")
	}
	if id.oursReaction(r, "🎉") {
		t.Fatal("another emoji taken for ours")
	}
}

func TestSpaceOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"spaces/A/messages/B", "spaces/A"},
		{"//chat.googleapis.com/spaces/A", "spaces/A"},
		{"//workspaceevents.googleapis.com/subscriptions/x", ""},
		{"spaces/", ""},
		{"users/1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := spaceOf(tt.in); got != tt.want {
				t.Fatalf("spaceOf = %q, want %q", got, tt.want)
			}
		})
	}
}
