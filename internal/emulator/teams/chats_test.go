package teams

import (
	"net/http"
	"net/url"
	"testing"
)

func TestPersonalChat(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	status, _, res := v.call("POST", "/v3/conversations", tok, map[string]any{
		"members": []any{map[string]any{"id": v.alice.BotID}}, "tenantId": v.tenant.ID,
		"activity": map[string]any{"type": "message", "text": "hello from the bot"},
	})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, res)
	}
	conv := str(res, "id")
	chatPath := "/v1.0/chats/" + url.PathEscape(PersonalChatID(v.alice.ID, v.bot.AppID)) + "/messages"

	// Alice sees the bot's message and answers.
	status, _, list := v.call("GET", chatPath, v.alice.Token, nil)
	if status != 200 || len(list["value"].([]any)) != 1 || str(list["value"].([]any)[0].(map[string]any), "from", "application", "id") != v.bot.AppID {
		t.Fatalf("chat messages: %d %v", status, list)
	}
	status, _, msg := v.call("POST", chatPath, v.alice.Token, map[string]any{"body": map[string]any{"content": "hi bot"}})
	if status != http.StatusCreated || msg["chatId"] != PersonalChatID(v.alice.ID, v.bot.AppID) || msg["channelIdentity"] != nil {
		t.Fatalf("post: %d %v", status, msg)
	}
	act := v.botRecv.waitFor(func(a activity) bool { return a["id"] == msg["id"] })
	if str(act, "conversation", "id") != conv || str(act, "conversation", "conversationType") != "personal" ||
		act["text"] != "hi bot" || str(act, "channelData", "tenant", "id") != v.tenant.ID {
		t.Errorf("personal activity = %v", act)
	}
	if _, ok := act["channelData"].(map[string]any)["team"]; ok {
		t.Errorf("personal activity has a team: %v", act["channelData"])
	}

	// Bob cannot read Alice's chat; app tokens have no chat access.
	if s, _, _ := v.call("GET", chatPath, v.bob.Token, nil); s != http.StatusNotFound && s != http.StatusForbidden {
		t.Errorf("bob reading alice's chat: %d", s)
	}
	if s, _, _ := v.call("GET", chatPath, v.graphToken(), nil); s != http.StatusForbidden {
		t.Errorf("app token on chats: %d", s)
	}
	// A chat with a bot that shares no team with the person does not exist.
	outsider := v.e.AddUser(v.tenant.ID, "Olga Out", "olga@contoso.example")
	if s, _, _ := v.call("POST", "/v1.0/chats/"+url.PathEscape(PersonalChatID(outsider.ID, v.bot.AppID))+"/messages", outsider.Token,
		map[string]any{"body": map[string]any{"content": "x"}}); s != http.StatusNotFound {
		t.Errorf("chat with unrelated bot: %d", s)
	}
}

func TestGroupChat(t *testing.T) {
	v := newEnv(t)
	ch := v.e.AddGroupChat(v.tenant.ID, "Lunch", v.alice.ID, v.bob.ID)
	if err := v.e.InstallBotInChat(v.bot.AppID, ch.ID); err != nil {
		t.Fatal(err)
	}
	iu := v.botRecv.waitFor(func(a activity) bool {
		return a["type"] == "installationUpdate" && str(a, "conversation", "id") == ch.ID
	})
	if str(iu, "conversation", "conversationType") != "groupChat" {
		t.Errorf("install = %v", iu)
	}
	path := "/v1.0/chats/" + url.PathEscape(ch.ID) + "/messages"
	status, _, msg := v.call("POST", path, v.bob.Token, map[string]any{"body": map[string]any{"content": "pizza?"}})
	if status != http.StatusCreated {
		t.Fatalf("post: %d %v", status, msg)
	}
	act := v.botRecv.waitFor(func(a activity) bool { return a["id"] == msg["id"] })
	if str(act, "conversation", "id") != ch.ID || act["conversation"].(map[string]any)["isGroup"] != true || str(act, "conversation", "conversationType") != "groupChat" {
		t.Errorf("group activity = %v", act)
	}

	// The bot answers in the chat; people see it; the bot edits it.
	tok := v.botToken()
	status, _, res := v.call("POST", convPath(ch.ID)+"/activities", tok, map[string]any{"type": "message", "text": "yes"})
	if status != http.StatusCreated {
		t.Fatalf("bot send: %d %v", status, res)
	}
	if s, _, _ := v.call("PUT", convPath(ch.ID)+"/activities/"+str(res, "id"), tok, map[string]any{"type": "message", "text": "yes!"}); s != 200 {
		t.Errorf("bot edit: %d", s)
	}
	_, _, got := v.call("GET", path+"/"+str(res, "id"), v.alice.Token, nil)
	if str(got, "body", "content") != "yes!" || got["chatId"] != ch.ID {
		t.Errorf("graph view of bot message = %v", got)
	}
	status, _, roster := v.call("GET", convPath(ch.ID)+"/members", tok, nil)
	if status != 200 || len(roster["_array"].([]any)) != 2 {
		t.Errorf("roster: %d %v", status, roster)
	}

	// Reactions and deletes in chats reach the bot too.
	_, _, _ = v.call("POST", path+"/"+str(msg, "id")+"/setReaction", v.alice.Token, map[string]any{"reactionType": "laugh"})
	v.botRecv.waitFor(func(a activity) bool {
		return a["type"] == "messageReaction" && str(a, "conversation", "id") == ch.ID && a["replyToId"] == msg["id"]
	})
	_, _, _ = v.call("POST", path+"/"+str(msg, "id")+"/softDelete", v.bob.Token, nil)
	v.botRecv.waitFor(func(a activity) bool { return a["type"] == "messageDelete" && a["id"] == msg["id"] })

	// A bot not in the chat is refused.
	other := v.e.RegisterBot(BotSpec{AppSecret: "o", Name: "O"})
	_ = v.e.InstallBot(other.AppID, v.team.ID)
	if err := v.e.InstallBotInChat(other.AppID, "19:nope@thread.v2"); err == nil {
		t.Error("installing in an unknown chat succeeded")
	}
}
