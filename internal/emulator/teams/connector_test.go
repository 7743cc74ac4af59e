package teams

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// secondBot registers and installs another bot so tests can see what the
// first bot's sends look like to someone else.
func (v *env) secondBot() (Bot, *receiver) {
	v.t.Helper()
	rc := newReceiver(v.t, v)
	v.e.base.Opts.HTTPClient.Transport.(*multiTLS).add(rc.srv)
	b := v.e.RegisterBot(BotSpec{AppSecret: "other", Name: "Other", Endpoint: rc.srv.URL + "/api/messages"})
	rc.appID = b.AppID
	if err := v.e.InstallBot(b.AppID, v.team.ID); err != nil {
		v.t.Fatal(err)
	}
	rc.waitFor(func(a activity) bool { return a["type"] == "installationUpdate" })
	return b, rc
}

func TestBotSendReplyEditDelete(t *testing.T) {
	v := newEnv(t)
	_, other := v.secondBot()
	tok := v.botToken()
	general := v.team.GeneralChannel

	// A new thread: post to the channel conversation.
	status, _, res := v.call("POST", convPath(general.ID)+"/activities", tok, map[string]any{
		"type": "message", "text": "Hello <at>Alice Smith</at>", "textFormat": "xml",
		"entities":    []any{map[string]any{"type": "mention", "text": "<at>Alice Smith</at>", "mentioned": map[string]any{"id": v.alice.BotID, "name": "Alice Smith"}}},
		"attachments": []any{map[string]any{"contentType": "application/vnd.microsoft.card.adaptive", "content": map[string]any{"type": "AdaptiveCard", "version": "1.4", "body": []any{}}}},
	})
	if status != http.StatusCreated || str(res, "id") == "" {
		t.Fatalf("send: %d %v", status, res)
	}
	root := str(res, "id")

	// Graph shows it as the bot's, with the card and the mention.
	status, _, msg := v.call("GET", channelMsgs(v.team, general)+"/"+root, v.alice.Token, nil)
	if status != http.StatusOK {
		t.Fatalf("graph get: %d %v", status, msg)
	}
	if str(msg, "from", "application", "id") != v.bot.AppID || msg["from"].(map[string]any)["user"] != nil {
		t.Errorf("from = %v", msg["from"])
	}
	if c := str(msg, "body", "content"); !strings.Contains(c, `<at id="0">Alice Smith</at>`) || !strings.Contains(c, "<attachment id=") {
		t.Errorf("body = %q", c)
	}
	atts := msg["attachments"].([]any)
	if len(atts) != 1 || atts[0].(map[string]any)["contentType"] != "application/vnd.microsoft.card.adaptive" {
		t.Errorf("attachments = %v", atts)
	}
	if _, isString := atts[0].(map[string]any)["content"].(string); !isString {
		t.Errorf("Graph attachment content must be a JSON string, got %T", atts[0].(map[string]any)["content"])
	}
	mentions := msg["mentions"].([]any)
	if len(mentions) != 1 || str(mentions[0].(map[string]any), "mentioned", "user", "id") != v.alice.ID {
		t.Errorf("mentions = %v", mentions)
	}

	// The other bot sees it; the sender does not.
	seen := other.waitFor(func(a activity) bool { return a["type"] == "message" && a["id"] == root })
	if got := str(seen, "conversation", "id"); got != general.ID+";messageid="+root {
		t.Errorf("conversation.id = %q", got)
	}

	// Reply in the thread through ;messageid=.
	status, _, res = v.call("POST", convPath(general.ID+";messageid="+root)+"/activities", tok, map[string]any{"type": "message", "text": "a reply"})
	if status != http.StatusCreated {
		t.Fatalf("reply: %d %v", status, res)
	}
	reply := str(res, "id")
	// And through the reply-to-activity route.
	status, _, res = v.call("POST", convPath(general.ID)+"/activities/"+reply, tok, map[string]any{"type": "message", "text": "another"})
	if status != http.StatusCreated {
		t.Fatalf("reply to activity: %d %v", status, res)
	}
	status, _, list := v.call("GET", channelMsgs(v.team, general)+"/"+root+"/replies", v.alice.Token, nil)
	if status != http.StatusOK || len(list["value"].([]any)) != 2 {
		t.Fatalf("replies: %d %v", status, list)
	}
	rep := other.waitFor(func(a activity) bool { return a["id"] == reply })
	if rep["replyToId"] != root || str(rep, "conversation", "id") != general.ID+";messageid="+root {
		t.Errorf("reply activity = %v", rep)
	}

	// Edit.
	status, _, res = v.call("PUT", convPath(general.ID)+"/activities/"+root, tok, map[string]any{"type": "message", "text": "edited", "textFormat": "plain"})
	if status != http.StatusOK || str(res, "id") != root {
		t.Fatalf("update: %d %v", status, res)
	}
	_, _, msg = v.call("GET", channelMsgs(v.team, general)+"/"+root, v.alice.Token, nil)
	if str(msg, "body", "content") != "edited" || msg["lastEditedDateTime"] == nil {
		t.Errorf("after edit: %v", msg["body"])
	}
	ed := other.waitFor(func(a activity) bool { return a["type"] == "messageUpdate" })
	if ed["id"] != root || str(ed, "channelData", "eventType") != "editMessage" || ed["text"] != "edited" {
		t.Errorf("messageUpdate = %v", ed)
	}

	// Delete.
	status, _, _ = v.call("DELETE", convPath(general.ID)+"/activities/"+root, tok, nil)
	if status != http.StatusOK {
		t.Fatalf("delete: %d", status)
	}
	_, _, msg = v.call("GET", channelMsgs(v.team, general)+"/"+root, v.alice.Token, nil)
	if msg["deletedDateTime"] == nil || str(msg, "body", "content") != "" {
		t.Errorf("after delete: %v", msg)
	}
	del := other.waitFor(func(a activity) bool { return a["type"] == "messageDelete" })
	if del["id"] != root || str(del, "channelData", "eventType") != "softDeleteMessage" {
		t.Errorf("messageDelete = %v", del)
	}

	for _, a := range v.botRecv.all() {
		if a["type"] == "message" || a["type"] == "messageUpdate" || a["type"] == "messageDelete" {
			t.Errorf("sending bot received its own %v", a["type"])
		}
	}
}

func TestConnectorErrors(t *testing.T) {
	v := newEnv(t)
	_, _ = v.secondBot()
	tok := v.botToken()
	general := v.team.GeneralChannel.ID
	// A person's message, which the bot must not be able to edit.
	_, _, pm := v.call("POST", channelMsgs(v.team, v.team.GeneralChannel), v.alice.Token, map[string]any{"body": map[string]any{"content": "mine"}})
	personMsg := str(pm, "id")

	outsider := v.e.AddTeam(v.tenant.ID, "Elsewhere", v.alice.ID)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown conversation", "POST", convPath("19:nope@thread.tacv2") + "/activities", map[string]any{"type": "message", "text": "x"}, 404, "ConversationNotFound"},
		{"team without the bot", "POST", convPath(outsider.GeneralChannel.ID) + "/activities", map[string]any{"type": "message", "text": "x"}, 403, "BotNotInConversationRoster"},
		{"bad json", "POST", convPath(general) + "/activities", "{", 400, "BadSyntax"},
		{"no type", "POST", convPath(general) + "/activities", map[string]any{"text": "x"}, 400, "MissingProperty"},
		{"empty message", "POST", convPath(general) + "/activities", map[string]any{"type": "message"}, 400, "BadArgument"},
		{"too big", "POST", convPath(general) + "/activities", map[string]any{"type": "message", "text": strings.Repeat("x", 101*1024)}, 413, "MessageSizeTooBig"},
		// Teams measures UTF-16: 55 KB of ASCII is 110 KB there.
		{"too big in UTF-16", "POST", convPath(general) + "/activities", map[string]any{"type": "message", "text": strings.Repeat("x", 55*1024)}, 413, "MessageSizeTooBig"},
		{"edit too big in UTF-16", "PUT", convPath(general) + "/activities/" + personMsg, map[string]any{"type": "message", "text": strings.Repeat("x", 55*1024)}, 413, "MessageSizeTooBig"},
		{"edit a person's message", "PUT", convPath(general) + "/activities/" + personMsg, map[string]any{"type": "message", "text": "x"}, 403, "Forbidden"},
		{"delete a person's message", "DELETE", convPath(general) + "/activities/" + personMsg, nil, 403, "Forbidden"},
		{"edit unknown", "PUT", convPath(general) + "/activities/123", map[string]any{"type": "message", "text": "x"}, 404, "NotFound"},
		{"reply to unknown", "POST", convPath(general) + "/activities/123", map[string]any{"type": "message", "text": "x"}, 404, "NotFound"},
		{"thread root unknown", "POST", convPath(general+";messageid=42") + "/activities", map[string]any{"type": "message", "text": "x"}, 404, "NotFound"},
		{"group chat", "POST", "/v3/conversations", map[string]any{"isGroup": true, "members": []any{map[string]any{"id": v.alice.BotID}, map[string]any{"id": v.bob.BotID}}}, 400, "BadArgument"},
		{"member not found", "GET", convPath(general) + "/members/29:nobody", nil, 404, "MemberNotFoundInConversation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v.clock.Advance(2 * time.Second) // stay clear of the per-second limits
			status, _, body := v.call(tc.method, tc.path, tok, tc.body)
			if status != tc.status || str(body, "error", "code") != tc.code {
				t.Errorf("got %d %v, want %d %s", status, body, tc.status, tc.code)
			}
		})
	}
}

func TestSendRateLimitPerConversation(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	send := func(conv string) (int, http.Header) {
		s, h, _ := v.call("POST", convPath(conv)+"/activities", tok, map[string]any{"type": "message", "text": "x"})
		return s, h
	}
	for i := range 7 {
		if s, _ := send(v.team.GeneralChannel.ID); s != http.StatusCreated {
			t.Fatalf("send %d: %d", i, s)
		}
	}
	s, h := send(v.team.GeneralChannel.ID)
	if s != http.StatusTooManyRequests || h.Get("Retry-After") != "1" {
		t.Fatalf("8th send in one second: %d Retry-After %q", s, h.Get("Retry-After"))
	}
	// Another conversation has its own budget.
	if s, _ := send(v.random.ID); s != http.StatusCreated {
		t.Fatalf("other channel: %d", s)
	}
	// 8 per 2 s: after one second only one more fits.
	v.clock.Advance(time.Second)
	if s, _ := send(v.team.GeneralChannel.ID); s != http.StatusCreated {
		t.Fatalf("after 1s: %d", s)
	}
	if s, _ := send(v.team.GeneralChannel.ID); s != http.StatusTooManyRequests {
		t.Fatalf("9th send within 2s: %d", s)
	}
	// 60 per 30 s.
	sent := 8
	for sent < 60 {
		v.clock.Advance(500 * time.Millisecond)
		if s, _ := send(v.team.GeneralChannel.ID); s == http.StatusCreated {
			sent++
		}
	}
	v.clock.Advance(500 * time.Millisecond)
	s, h = send(v.team.GeneralChannel.ID)
	if s != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("61st send within 30s: %d", s)
	}
	log := v.e.Requests(v.tenant.ID)
	last := log[len(log)-1]
	if last.Status != 429 || last.RetryAfter == 0 || last.Workspace != v.tenant.ID || last.API != "connector" {
		t.Errorf("last log entry = %+v", last)
	}
}

func TestCreateConversation(t *testing.T) {
	v := newEnv(t)
	_, other := v.secondBot()
	tok := v.botToken()

	status, _, res := v.call("POST", "/v3/conversations", tok, map[string]any{
		"isGroup": true, "channelData": map[string]any{"channel": map[string]any{"id": v.random.ID}, "tenant": map[string]any{"id": v.tenant.ID}},
		"activity": map[string]any{"type": "message", "text": "new thread"},
	})
	if status != http.StatusCreated {
		t.Fatalf("create thread: %d %v", status, res)
	}
	id := str(res, "activityId")
	if str(res, "id") != v.random.ID+";messageid="+id {
		t.Errorf("conversation id %v", res)
	}
	other.waitFor(func(a activity) bool { return a["id"] == id && a["type"] == "message" })

	status, _, res = v.call("POST", "/v3/conversations", tok, map[string]any{
		"members": []any{map[string]any{"id": v.alice.BotID}}, "tenantId": v.tenant.ID,
		"activity": map[string]any{"type": "message", "text": "hi Alice"},
	})
	if status != http.StatusCreated || !strings.HasPrefix(str(res, "id"), "a:") || str(res, "activityId") == "" {
		t.Fatalf("create personal: %d %v", status, res)
	}
	personal := str(res, "id")
	// Creating again returns the same chat.
	_, _, res = v.call("POST", "/v3/conversations", tok, map[string]any{"members": []any{map[string]any{"id": v.alice.ID}}, "tenantId": v.tenant.ID})
	if str(res, "id") != personal {
		t.Errorf("second create gave %v, want %s", res, personal)
	}
	status, _, res = v.call("POST", convPath(personal)+"/activities", tok, map[string]any{"type": "message", "text": "again"})
	if status != http.StatusCreated {
		t.Fatalf("send to personal: %d %v", status, res)
	}
	status, _, res = v.call("GET", convPath(personal)+"/members", tok, nil)
	if status != 200 || len(res["_array"].([]any)) != 1 {
		t.Errorf("personal roster %d %v", status, res)
	}
}

func TestMembersAndTeams(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	general := v.team.GeneralChannel.ID

	status, _, res := v.call("GET", convPath(general)+"/members", tok, nil)
	members := res["_array"].([]any)
	if status != 200 || len(members) != 2 {
		t.Fatalf("members: %d %v", status, res)
	}
	m0 := members[0].(map[string]any)
	if m0["id"] != v.alice.BotID || m0["aadObjectId"] != v.alice.ID || m0["email"] != v.alice.Email || m0["userPrincipalName"] != v.alice.UPN || m0["tenantId"] != v.tenant.ID {
		t.Errorf("member = %v", m0)
	}
	status, _, res = v.call("GET", convPath(general)+"/members/"+v.bob.ID, tok, nil)
	if status != 200 || res["id"] != v.bob.BotID {
		t.Errorf("member by aad id: %d %v", status, res)
	}

	// Paging: the service raises small page sizes to 50.
	for i := range 60 {
		u := v.e.AddUser(v.tenant.ID, "Person "+itoaTest(i), "")
		v.e.mu.Lock()
		v.e.st.teams[v.team.ID].members = append(v.e.st.teams[v.team.ID].members, u.ID)
		v.e.mu.Unlock()
	}
	status, _, res = v.call("GET", convPath(general)+"/pagedmembers?pageSize=10", tok, nil)
	if status != 200 || len(res["members"].([]any)) != 50 || str(res, "continuationToken") == "" {
		t.Fatalf("page 1: %d %d", status, len(res["members"].([]any)))
	}
	status, _, res = v.call("GET", convPath(general)+"/pagedmembers?pageSize=10&continuationToken="+str(res, "continuationToken"), tok, nil)
	if status != 200 || len(res["members"].([]any)) != 12 || res["continuationToken"] != nil {
		t.Fatalf("page 2: %d %v", status, res["continuationToken"])
	}
	status, _, _ = v.call("GET", convPath(general)+"/pagedmembers?continuationToken=!!", tok, nil)
	if status != 400 {
		t.Errorf("bad continuation token: %d", status)
	}

	for _, teamRef := range []string{general, v.team.ID} {
		status, _, res = v.call("GET", "/v3/teams/"+teamRef+"/conversations", tok, nil)
		convs := res["conversations"].([]any)
		if status != 200 || len(convs) != 2 || convs[0].(map[string]any)["name"] != nil || convs[1].(map[string]any)["name"] != "Random" {
			t.Errorf("conversations via %s: %d %v", teamRef, status, res)
		}
	}
	status, _, res = v.call("GET", "/v3/teams/"+general, tok, nil)
	if status != 200 || res["aadGroupId"] != v.team.ID || res["name"] != "Engineering" || res["id"] != general {
		t.Errorf("team details: %d %v", status, res)
	}
}

func itoaTest(i int) string { return string(rune('A'+i/26)) + string(rune('a'+i%26)) }

// TestMessageSizeCountsUTF16: Teams measures the 100 KB limit in UTF-16,
// so 40,000 CJK characters (120 KB of UTF-8, 80 KB of UTF-16) go through
// and 55 KB of ASCII (110 KB of UTF-16) does not.
func TestMessageSizeCountsUTF16(t *testing.T) {
	v := newEnv(t)
	tok := v.botToken()
	path := convPath(v.team.GeneralChannel.ID) + "/activities"
	if status, _, body := v.call("POST", path, tok, map[string]any{"type": "message", "text": strings.Repeat("字", 40000)}); status != http.StatusCreated {
		t.Fatalf("80 KB of UTF-16: %d %v, want 201", status, body)
	}
	v.clock.Advance(2 * time.Second)
	if status, _, body := v.call("POST", path, tok, map[string]any{"type": "message", "text": strings.Repeat("x", 55*1024)}); status != http.StatusRequestEntityTooLarge || str(body, "error", "code") != "MessageSizeTooBig" {
		t.Fatalf("110 KB of UTF-16: %d %v, want 413 MessageSizeTooBig", status, body)
	}
}
