package gchat

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/googleapi"
)

func apiCode(err error) (int, string) {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code, ge.Message
	}
	return 0, ""
}

func TestMessageLifecycleThroughOfficialClient(t *testing.T) {
	ev := newEnv(t)
	app := ev.appService()
	alice := ev.userService(ev.alice)

	root, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "hello *world*"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if root.Sender.Type != "BOT" || root.Sender.Name != ev.app.UserName {
		t.Fatalf("sender = %+v, want BOT %s", root.Sender, ev.app.UserName)
	}
	if !strings.HasPrefix(root.Name, ev.space.Name+"/messages/") || root.Thread == nil || root.ThreadReply {
		t.Fatalf("root = %+v", root)
	}
	reply, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{
		Text: "hi <users/" + strings.TrimPrefix(ev.bob.Name, "users/") + ">", Thread: &chat.Thread{Name: root.Thread.Name},
	}).MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do()
	if err != nil {
		t.Fatal(err)
	}
	if reply.Thread.Name != root.Thread.Name || !reply.ThreadReply || reply.Sender.Type != "HUMAN" {
		t.Fatalf("reply = %+v thread %+v", reply, reply.Thread)
	}
	if reply.Text != "hi @Bob Builder" || reply.FormattedText != "hi <"+ev.bob.Name+">" {
		t.Fatalf("text = %q formatted = %q", reply.Text, reply.FormattedText)
	}
	if len(reply.Annotations) != 1 || reply.Annotations[0].StartIndex != 3 || reply.Annotations[0].Length != 12 ||
		reply.Annotations[0].UserMention.User.Name != ev.bob.Name {
		t.Fatalf("annotations = %+v", reply.Annotations)
	}

	edited, err := app.Spaces.Messages.Patch(root.Name, &chat.Message{Text: "hello again"}).UpdateMask("text").Do()
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "hello again" || edited.LastUpdateTime == "" {
		t.Fatalf("edited = %+v", edited)
	}
	got, err := alice.Spaces.Messages.Get(root.Name).Do()
	if err != nil || got.Text != "hello again" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	list, err := alice.Spaces.Messages.List(ev.space.Name).Filter(`thread.name = ` + root.Thread.Name).Do()
	if err != nil || len(list.Messages) != 2 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if _, err := app.Spaces.Messages.Delete(root.Name).Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Get(root.Name).Do(); err == nil {
		t.Fatal("deleted message still readable")
	} else if code, _ := apiCode(err); code != http.StatusNotFound {
		t.Fatalf("get deleted: %v", err)
	}
	list, err = alice.Spaces.Messages.List(ev.space.Name).ShowDeleted(true).Do()
	if err != nil || len(list.Messages) != 2 || list.Messages[0].DeletionMetadata == nil {
		t.Fatalf("list with deleted = %+v, %v", list, err)
	}
}

func TestMessageCreateRules(t *testing.T) {
	ev := newEnv(t)
	alice := ev.userService(ev.alice)
	app := ev.appService()
	first, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "one"}).RequestId("req-1").MessageId("client-abc-1").Do()
	if err != nil {
		t.Fatal(err)
	}
	again, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "different"}).RequestId("req-1").Do()
	if err != nil || again.Name != first.Name || again.Text != "one" {
		t.Fatalf("idempotent create = %+v, %v", again, err)
	}
	byClientID, err := alice.Spaces.Messages.Get(ev.space.Name + "/messages/client-abc-1").Do()
	if err != nil || byClientID.Name != first.Name || byClientID.ClientAssignedMessageId != "client-abc-1" {
		t.Fatalf("get by client ID = %+v, %v", byClientID, err)
	}
	tests := []struct {
		name string
		call func() error
		code int
	}{
		{"duplicate client ID", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x"}).MessageId("client-abc-1").Do()
			return err
		}, http.StatusConflict},
		{"client ID without prefix", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x"}).MessageId("abc").Do()
			return err
		}, http.StatusBadRequest},
		{"client ID with uppercase", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x"}).MessageId("client-ABC").Do()
			return err
		}, http.StatusBadRequest},
		{"too long", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: strings.Repeat("é", 16001)}).Do()
			return err
		}, http.StatusBadRequest},
		{"empty", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{}).Do()
			return err
		}, http.StatusBadRequest},
		{"reply or fail to unknown thread", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x", Thread: &chat.Thread{Name: ev.space.Name + "/threads/nope"}}).
				MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do()
			return err
		}, http.StatusNotFound},
		{"app edits a person's message", func() error {
			_, err := app.Spaces.Messages.Patch(first.Name, &chat.Message{Text: "x"}).UpdateMask("text").Do()
			return err
		}, http.StatusForbidden},
		{"person deletes another's message", func() error {
			_, err := ev.userService(ev.bob).Spaces.Messages.Delete(first.Name).Do()
			return err
		}, http.StatusForbidden},
		{"patch without mask", func() error {
			_, err := alice.Spaces.Messages.Patch(first.Name, &chat.Message{Text: "x"}).Do()
			return err
		}, http.StatusBadRequest},
		{"person sends cards", func() error {
			_, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "x", CardsV2: []*chat.CardWithId{{CardId: "c"}}}).Do()
			return err
		}, http.StatusForbidden},
		{"space the caller is not in", func() error {
			other := ev.emu.AddSpace("acme.example", "Private", ev.bob.Name)
			_, err := alice.Spaces.Messages.Create(other.Name, &chat.Message{Text: "x"}).Do()
			return err
		}, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, msg := apiCode(tc.call()); code != tc.code {
				t.Fatalf("code = %d (%s), want %d", code, msg, tc.code)
			}
		})
	}
}

func TestThreadKeyFallback(t *testing.T) {
	ev := newEnv(t)
	app := ev.appService()
	a, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "a", Thread: &chat.Thread{ThreadKey: "k1"}}).
		MessageReplyOption("REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD").Do()
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "b", Thread: &chat.Thread{ThreadKey: "k1"}}).
		MessageReplyOption("REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD").Do()
	if err != nil {
		t.Fatal(err)
	}
	if a.ThreadReply || !b.ThreadReply || a.Thread.Name != b.Thread.Name || b.Thread.ThreadKey != "k1" {
		t.Fatalf("a = %+v %+v, b = %+v %+v", a, a.Thread, b, b.Thread)
	}
	c, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "c", Thread: &chat.Thread{ThreadKey: "k1"}}).Do()
	if err != nil || c.Thread.Name == a.Thread.Name {
		t.Fatalf("unset reply option must start a new thread: %+v, %v", c, err)
	}
}

func TestUserDeleteThreadRootNeedsForce(t *testing.T) {
	ev := newEnv(t)
	alice := ev.userService(ev.alice)
	root, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "root"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "r", Thread: root.Thread}).
		MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Spaces.Messages.Delete(root.Name).Do(); err == nil {
		t.Fatal("delete without force succeeded")
	}
	if _, err := alice.Spaces.Messages.Delete(root.Name).Force(true).Do(); err != nil {
		t.Fatal(err)
	}
	list, err := alice.Spaces.Messages.List(ev.space.Name).Do()
	if err != nil || len(list.Messages) != 0 {
		t.Fatalf("after forced delete: %+v, %v", list, err)
	}
}

func TestSpacesAndMembers(t *testing.T) {
	ev := newEnv(t)
	app := ev.appService()
	sp, err := app.Spaces.Get(ev.space.Name).Do()
	if err != nil || sp.DisplayName != "Partners" || sp.SpaceType != "SPACE" {
		t.Fatalf("space = %+v, %v", sp, err)
	}
	list, err := app.Spaces.List().Do()
	if err != nil || len(list.Spaces) != 1 {
		t.Fatalf("spaces = %+v, %v", list, err)
	}
	members, err := app.Spaces.Members.List(ev.space.Name).Do()
	if err != nil || len(members.Memberships) != 2 || members.Memberships[0].Member.Name != ev.alice.Name {
		t.Fatalf("members = %+v, %v", members, err)
	}
	page, err := ev.userService(ev.bob).Spaces.Members.List(ev.space.Name).PageSize(1).Do()
	if err != nil || len(page.Memberships) != 1 || page.NextPageToken == "" {
		t.Fatalf("page = %+v, %v", page, err)
	}
}

// TestReplyOrFailWithNewThreadKey: REPLY_MESSAGE_OR_FAIL with a thread key
// not used before creates a new thread under that key (Chat API,
// MessageReplyOption); the next message with the key replies in it, and
// only an unknown thread name fails with NOT_FOUND.
func TestReplyOrFailWithNewThreadKey(t *testing.T) {
	ev := newEnv(t)
	app := ev.appService()
	first, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "a"}).
		ThreadKey("incident-7").MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do()
	if err != nil {
		t.Fatalf("new thread key: %v", err)
	}
	if first.ThreadReply || first.Thread == nil || first.Thread.Name == "" {
		t.Fatalf("first = %+v, want a new thread", first)
	}
	second, err := app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "b", Thread: &chat.Thread{ThreadKey: "incident-7"}}).
		MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do()
	if err != nil {
		t.Fatal(err)
	}
	if !second.ThreadReply || second.Thread.Name != first.Thread.Name {
		t.Fatalf("second = %+v, want a reply in %s", second, first.Thread.Name)
	}
	_, err = app.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "c", Thread: &chat.Thread{Name: ev.space.Name + "/threads/nope"}}).
		MessageReplyOption("REPLY_MESSAGE_OR_FAIL").Do()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Code != http.StatusNotFound {
		t.Fatalf("unknown thread name = %v, want 404", err)
	}
}
