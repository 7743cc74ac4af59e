package slack

import (
	"context"
	"fmt"
	"testing"

	slackapi "github.com/slack-go/slack"
)

func TestHistoryPagination(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	alice := e.client(e.alice.Token)
	var posted []string
	for i := range 5 {
		_, ts, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText(fmt.Sprintf("m%d", i), false))
		if err != nil {
			t.Fatal(err)
		}
		posted = append(posted, ts)
	}

	var seen []string
	cursor := ""
	for page := 0; ; page++ {
		h, err := alice.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		for _, m := range h.Messages {
			seen = append(seen, m.Timestamp)
		}
		if !h.HasMore {
			if h.ResponseMetaData.NextCursor != "" {
				t.Errorf("last page has a cursor")
			}
			break
		}
		cursor = h.ResponseMetaData.NextCursor
		if page > 5 || cursor == "" {
			t.Fatalf("pagination does not end: page %d cursor %q", page, cursor)
		}
	}
	if len(seen) != 5 {
		t.Fatalf("saw %d messages", len(seen))
	}
	for i, ts := range seen {
		if ts != posted[4-i] {
			t.Errorf("message %d is %s, want %s (newest first)", i, ts, posted[4-i])
		}
	}

	tests := []struct {
		name      string
		params    slackapi.GetConversationHistoryParameters
		wantFirst string
		wantLen   int
	}{
		{"oldest exclusive", slackapi.GetConversationHistoryParameters{Oldest: posted[2]}, posted[4], 2},
		{"oldest inclusive", slackapi.GetConversationHistoryParameters{Oldest: posted[2], Inclusive: true}, posted[4], 3},
		{"latest exclusive", slackapi.GetConversationHistoryParameters{Latest: posted[2]}, posted[1], 2},
		{"latest inclusive", slackapi.GetConversationHistoryParameters{Latest: posted[2], Inclusive: true}, posted[2], 3},
		{"window", slackapi.GetConversationHistoryParameters{Oldest: posted[0], Latest: posted[4]}, posted[3], 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.params
			p.ChannelID = e.ch.ID
			h, err := alice.GetConversationHistoryContext(ctx, &p)
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Messages) != tt.wantLen || h.Messages[0].Timestamp != tt.wantFirst {
				t.Fatalf("got %d messages, first %s", len(h.Messages), h.Messages[0].Timestamp)
			}
		})
	}

	t.Run("bad cursor", func(t *testing.T) {
		_, err := alice.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID, Cursor: "!!"})
		if err == nil || err.Error() != "invalid_cursor" {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("replies paginate", func(t *testing.T) {
		for i := range 3 {
			if _, _, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText(fmt.Sprintf("r%d", i), false), slackapi.MsgOptionTS(posted[0])); err != nil {
				t.Fatal(err)
			}
		}
		var all []string
		cursor := ""
		for range 5 {
			msgs, more, next, err := alice.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{ChannelID: e.ch.ID, Timestamp: posted[0], Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				all = append(all, m.Text)
			}
			if !more {
				break
			}
			cursor = next
		}
		if fmt.Sprint(all) != "[m0 r0 r1 r2]" {
			t.Fatalf("thread = %v", all)
		}
	})
}

func TestConversationsInfoListJoinMembers(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	random := e.emu.AddChannel(e.ws.ID, "random", e.alice.ID)
	bot := e.client(e.inst.BotToken)

	if _, err := bot.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: random.ID}); err == nil || err.Error() != "not_in_channel" {
		t.Fatalf("history before join: %v", err)
	}
	chans, _, err := bot.GetConversationsContext(ctx, &slackapi.GetConversationsParameters{Limit: 1})
	if err != nil || len(chans) != 1 || chans[0].ID != e.ch.ID || !chans[0].IsMember {
		t.Fatalf("list page 1 = %+v, %v", chans, err)
	}
	c, _, _, err := bot.JoinConversationContext(ctx, random.ID)
	if err != nil || c.ID != random.ID {
		t.Fatalf("join: %+v %v", c, err)
	}
	joined := e.rc.waitEvent(func(ev map[string]any) bool {
		return ev["type"] == "member_joined_channel" && ev["channel"] == random.ID
	})
	if joined.inner["user"] != e.inst.BotUserID {
		t.Errorf("member_joined_channel = %v", joined.inner)
	}
	info, err := bot.GetConversationInfoContext(ctx, &slackapi.GetConversationInfoInput{ChannelID: random.ID})
	if err != nil || info.Name != "random" || !info.IsMember || info.IsPrivate {
		t.Fatalf("info = %+v, %v", info, err)
	}
	members, _, err := bot.GetUsersInConversationContext(ctx, &slackapi.GetUsersInConversationParameters{ChannelID: random.ID})
	if err != nil || len(members) != 2 || members[1] != e.inst.BotUserID {
		t.Fatalf("members = %v, %v", members, err)
	}
	if _, _, _, err := e.client(e.alice.Token).JoinConversationContext(ctx, random.ID); err == nil || err.Error() != "missing_scope" {
		t.Fatalf("user join without channels:write: %v", err)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	bot := e.client(e.inst.BotToken)

	u, err := bot.GetUserByEmailContext(ctx, "bob@acme.example")
	if err != nil || u.ID != e.bob.ID || u.Profile.Email != "Bob@Acme.example" {
		t.Fatalf("lookupByEmail = %+v, %v", u, err)
	}
	if _, err := bot.GetUserByEmailContext(ctx, "nobody@acme.example"); err == nil || err.Error() != "users_not_found" {
		t.Fatalf("unknown email: %v", err)
	}
	info, err := bot.GetUserInfoContext(ctx, e.inst.BotUserID)
	if err != nil || !info.IsBot || info.Profile.BotID != e.inst.BotID {
		t.Fatalf("bot user = %+v, %v", info, err)
	}
	users, err := bot.GetUsersContext(ctx)
	if err != nil || len(users) != 3 {
		t.Fatalf("users.list = %d, %v", len(users), err)
	}

	noEmail := e.emu.AddApp(AppSpec{Name: "NoEmail", BotScopes: []string{"users:read"}})
	inst := e.emu.Install(noEmail.ID, e.ws.ID)
	plain, err := e.client(inst.BotToken).GetUserInfoContext(ctx, e.alice.ID)
	if err != nil || plain.Profile.Email != "" || plain.Profile.RealName != "Alice" || plain.Profile.Image72 == "" {
		t.Fatalf("users.info without users:read.email = %+v, %v", plain.Profile, err)
	}
	if _, err := e.client(inst.BotToken).GetUserByEmailContext(ctx, "alice@acme.example"); err == nil || err.Error() != "missing_scope" {
		t.Fatalf("lookupByEmail without scope: %v", err)
	}
}

func TestReactions(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	alice := e.client(e.alice.Token)
	bot := e.client(e.inst.BotToken)
	_, ts, err := bot.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("react to me", false))
	if err != nil {
		t.Fatal(err)
	}
	ref := slackapi.NewRefToMessage(e.ch.ID, ts)

	if err := alice.AddReactionContext(ctx, "thumbsup", ref); err != nil {
		t.Fatalf("add: %v", err)
	}
	ev := e.rc.waitEvent(ofType("reaction_added", ""))
	item, _ := ev.inner["item"].(map[string]any)
	if ev.inner["user"] != e.alice.ID || ev.inner["reaction"] != "thumbsup" || ev.inner["item_user"] != e.inst.BotUserID ||
		item["ts"] != ts || item["channel"] != e.ch.ID || item["type"] != "message" {
		t.Errorf("reaction_added = %v", ev.inner)
	}

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"again", func() error { return alice.AddReactionContext(ctx, "thumbsup", ref) }, "already_reacted"},
		{"bad name", func() error { return alice.AddReactionContext(ctx, "Thumbs Up!", ref) }, "invalid_name"},
		{"name of no emoji", func() error { return alice.AddReactionContext(ctx, "not_an_emoji_at_all", ref) }, "invalid_name"},
		{"a character, not a name", func() error { return alice.AddReactionContext(ctx, "👍", ref) }, "invalid_name"},
		{"remove name of no emoji", func() error { return alice.RemoveReactionContext(ctx, "not_an_emoji_at_all", ref) }, "invalid_name"},
		{"skin tone", func() error { return alice.AddReactionContext(ctx, "wave::skin-tone-3", ref) }, ""},
		{"remove absent", func() error { return alice.RemoveReactionContext(ctx, "heart", ref) }, "no_reaction"},
		{"remove", func() error { return alice.RemoveReactionContext(ctx, "wave::skin-tone-3", ref) }, ""},
		{"unknown message", func() error {
			return alice.AddReactionContext(ctx, "heart", slackapi.NewRefToMessage(e.ch.ID, "1.000001"))
		}, "message_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if (tt.want == "" && err != nil) || (tt.want != "" && (err == nil || err.Error() != tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	e.rc.waitEvent(ofType("reaction_removed", ""))

	item2, err := bot.GetReactionsContext(ctx, ref, slackapi.GetReactionsParameters{Full: true})
	if err != nil || len(item2.Reactions) != 1 || item2.Reactions[0].Name != "thumbsup" || item2.Reactions[0].Count != 1 {
		t.Fatalf("reactions.get = %+v, %v", item2, err)
	}
}
