package slack

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func TestPostReplyUpdateDelete(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	alice := e.client(e.alice.Token)

	chID, ts, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("hello *world*", false))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if chID != e.ch.ID || !tsPattern.MatchString(ts) {
		t.Fatalf("post answered channel %q ts %q", chID, ts)
	}
	got := e.rc.waitEvent(ofType("message", ""))
	msg, ok := got.event.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner event is %T", got.event.InnerEvent.Data)
	}
	if msg.User != e.alice.ID || msg.Text != "hello *world*" || msg.TimeStamp != ts || msg.ClientMsgID == "" || msg.ChannelType != "channel" {
		t.Errorf("message event = %+v", msg)
	}
	if got.event.APIAppID != e.app.ID || got.event.TeamID != e.ws.ID {
		t.Errorf("envelope app %q team %q", got.event.APIAppID, got.event.TeamID)
	}
	cb, ok := got.event.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || !strings.HasPrefix(cb.EventID, "Ev") || cb.EventTime == 0 || len(cb.Authorizations) != 1 || cb.Authorizations[0].UserID != e.inst.BotUserID {
		t.Errorf("callback envelope = %+v", got.event.Data)
	}

	_, replyTS, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("a reply", false), slackapi.MsgOptionTS(ts))
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	if replyTS <= ts {
		t.Errorf("reply ts %q not after %q", replyTS, ts)
	}
	reply := e.rc.waitEvent(func(ev map[string]any) bool { return ev["ts"] == replyTS })
	if reply.inner["thread_ts"] != ts || reply.inner["parent_user_id"] != e.alice.ID {
		t.Errorf("reply event = %v", reply.inner)
	}

	hist, err := alice.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID})
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if len(hist.Messages) != 1 || hist.Messages[0].ReplyCount != 1 || hist.Messages[0].LatestReply != replyTS {
		t.Fatalf("history = %+v", hist.Messages)
	}
	msgs, _, _, err := alice.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{ChannelID: e.ch.ID, Timestamp: ts})
	if err != nil || len(msgs) != 2 || msgs[0].Timestamp != ts || msgs[1].Timestamp != replyTS {
		t.Fatalf("replies = %+v, %v", msgs, err)
	}

	bob := e.client(e.bob.Token)
	if _, _, _, err := bob.UpdateMessageContext(ctx, e.ch.ID, ts, slackapi.MsgOptionText("hijack", false)); err == nil || err.Error() != "cant_update_message" {
		t.Errorf("bob updating alice's message: %v", err)
	}
	if _, _, err := bob.DeleteMessageContext(ctx, e.ch.ID, ts); err == nil || err.Error() != "cant_delete_message" {
		t.Errorf("bob deleting alice's message: %v", err)
	}

	if _, _, _, err := alice.UpdateMessageContext(ctx, e.ch.ID, replyTS, slackapi.MsgOptionText("edited reply", false)); err != nil {
		t.Fatalf("update: %v", err)
	}
	changed := e.rc.waitEvent(ofType("message", "message_changed"))
	ch := changed.event.InnerEvent.Data.(*slackevents.MessageEvent)
	if ch.Message == nil || ch.Message.Text != "edited reply" || ch.Message.Timestamp != replyTS || ch.Message.Edited == nil ||
		ch.PreviousMessage == nil || ch.PreviousMessage.Text != "a reply" || ch.TimeStamp == replyTS || changed.inner["hidden"] != true {
		t.Errorf("message_changed = %+v", changed.inner)
	}

	if _, _, err := alice.DeleteMessageContext(ctx, e.ch.ID, replyTS); err != nil {
		t.Fatalf("delete: %v", err)
	}
	deleted := e.rc.waitEvent(ofType("message", "message_deleted"))
	if deleted.inner["deleted_ts"] != replyTS || deleted.inner["hidden"] != true {
		t.Errorf("message_deleted = %v", deleted.inner)
	}
	prev, _ := deleted.inner["previous_message"].(map[string]any)
	if prev["text"] != "edited reply" {
		t.Errorf("previous_message = %v", prev)
	}
	if _, _, err := alice.DeleteMessageContext(ctx, e.ch.ID, replyTS); err == nil || err.Error() != "message_not_found" {
		t.Errorf("second delete: %v", err)
	}
	link, err := alice.GetPermalinkContext(ctx, &slackapi.PermalinkParameters{Channel: e.ch.ID, Ts: ts})
	if err != nil || !strings.HasPrefix(link, e.srv.URL+"/archives/"+e.ch.ID+"/p") {
		t.Errorf("permalink %q, %v", link, err)
	}
}

func TestBotPost(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	bot := e.client(e.inst.BotToken)

	at, err := bot.AuthTestContext(ctx)
	if err != nil || at.BotID != e.inst.BotID || at.UserID != e.inst.BotUserID || at.TeamID != e.ws.ID {
		t.Fatalf("auth.test = %+v, %v", at, err)
	}

	tests := []struct {
		name        string
		opts        []slackapi.MsgOption
		wantSubtype string
		wantName    string
	}{
		{"plain", []slackapi.MsgOption{slackapi.MsgOptionText("from the bot", false)}, "", ""},
		{"customised", []slackapi.MsgOption{slackapi.MsgOptionText("as alice", false), slackapi.MsgOptionUsername("Alice (Teams)"),
			slackapi.MsgOptionIconURL("https://example.com/a.png")}, "bot_message", "Alice (Teams)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts, err := bot.PostMessageContext(ctx, e.ch.ID, tt.opts...)
			if err != nil {
				t.Fatalf("post: %v", err)
			}
			got := e.rc.waitEvent(func(ev map[string]any) bool { return ev["ts"] == ts })
			msg := got.event.InnerEvent.Data.(*slackevents.MessageEvent)
			if msg.BotID != e.inst.BotID || msg.SubType != tt.wantSubtype || msg.Username != tt.wantName {
				t.Errorf("event = %+v", got.inner)
			}
			if got.inner["app_id"] != e.app.ID || got.inner["bot_profile"] == nil {
				t.Errorf("event lacks app_id/bot_profile: %v", got.inner)
			}
		})
	}
}

func TestPostErrors(t *testing.T) {
	e := newEnv(t, Options{}, "chat:write", "channels:read")
	ctx := context.Background()
	other := e.emu.AddChannel(e.ws.ID, "random", e.alice.ID)
	bot := e.client(e.inst.BotToken)

	tests := []struct {
		name    string
		client  *slackapi.Client
		channel string
		opts    []slackapi.MsgOption
		want    string
	}{
		{"bot not in channel", bot, other.ID, []slackapi.MsgOption{slackapi.MsgOptionText("x", false)}, "not_in_channel"},
		{"unknown channel", bot, "C0000000000", []slackapi.MsgOption{slackapi.MsgOptionText("x", false)}, "channel_not_found"},
		{"no text", bot, e.ch.ID, nil, "no_text"},
		{"bad thread", bot, e.ch.ID, []slackapi.MsgOption{slackapi.MsgOptionText("x", false), slackapi.MsgOptionTS("123.456")}, "thread_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.client.PostMessageContext(ctx, tt.channel, tt.opts...)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}

	t.Run("missing scope", func(t *testing.T) {
		_, err := bot.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID})
		var se slackapi.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != "missing_scope" || se.Needed != "channels:history" || se.Provided != "chat:write,channels:read" {
			t.Fatalf("err = %#v", err)
		}
	})

	t.Run("chat:write.public", func(t *testing.T) {
		app := e.emu.AddApp(AppSpec{Name: "Public", BotScopes: []string{"chat:write", "chat:write.public"}})
		inst := e.emu.Install(app.ID, e.ws.ID)
		if _, _, err := e.client(inst.BotToken).PostMessageContext(ctx, other.ID, slackapi.MsgOptionText("x", false)); err != nil {
			t.Fatalf("post without joining: %v", err)
		}
	})

	t.Run("customize ignored without scope", func(t *testing.T) {
		_, _, resp := e.raw(t, "chat.postMessage", "application/json",
			`{"channel":"`+e.ch.ID+`","text":"hi","username":"someone"}`, map[string]string{"Authorization": "Bearer " + e.inst.BotToken})
		m, _ := resp["message"].(map[string]any)
		if resp["ok"] != true || m["username"] != nil || m["subtype"] != nil {
			t.Fatalf("resp = %v", resp)
		}
	})

	t.Run("long text truncated", func(t *testing.T) {
		_, _, resp := e.raw(t, "chat.postMessage", "application/json",
			`{"channel":"`+e.ch.ID+`","text":"`+strings.Repeat("a", 40001)+`"}`, map[string]string{"Authorization": "Bearer " + e.inst.BotToken})
		m, _ := resp["message"].(map[string]any)
		if resp["ok"] != true || resp["warning"] != "message_truncated" || len(m["text"].(string)) != 40000 {
			t.Fatalf("resp ok=%v warning=%v", resp["ok"], resp["warning"])
		}
	})

	t.Run("metadata and blocks", func(t *testing.T) {
		_, _, resp := e.raw(t, "chat.postMessage", "application/x-www-form-urlencoded",
			"channel="+e.ch.ID+"&text=hi&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&metadata=%7B%22event_type%22%3A%22parley%22%2C%22event_payload%22%3A%7B%22id%22%3A%221%22%7D%7D&token="+e.inst.BotToken, nil)
		m, _ := resp["message"].(map[string]any)
		if resp["ok"] != true || m["blocks"] == nil || m["metadata"] == nil {
			t.Fatalf("resp = %v", resp)
		}
	})
}

func TestThreadBroadcastAndTombstone(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	alice := e.client(e.alice.Token)
	_, root, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("root", false))
	if err != nil {
		t.Fatal(err)
	}
	_, bc, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("also to channel", false), slackapi.MsgOptionTS(root), slackapi.MsgOptionBroadcast())
	if err != nil {
		t.Fatal(err)
	}
	ev := e.rc.waitEvent(func(ev map[string]any) bool { return ev["ts"] == bc })
	if ev.inner["subtype"] != "thread_broadcast" || ev.inner["thread_ts"] != root {
		t.Errorf("broadcast event = %v", ev.inner)
	}
	if _, _, err := alice.DeleteMessageContext(ctx, e.ch.ID, root); err != nil {
		t.Fatal(err)
	}
	h, err := alice.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID})
	if err != nil || len(h.Messages) != 2 || h.Messages[0].Timestamp != bc || h.Messages[1].SubType != "tombstone" || h.Messages[1].ReplyCount != 1 {
		t.Fatalf("history after deleting the root = %+v, %v", h.Messages, err)
	}
	msgs, _, _, err := alice.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{ChannelID: e.ch.ID, Timestamp: bc})
	if err != nil || len(msgs) != 2 || msgs[0].Timestamp != root {
		t.Fatalf("replies by a reply's ts = %+v, %v", msgs, err)
	}
}
