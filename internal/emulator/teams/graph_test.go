package teams

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"parley/internal/emulator/ids"
)

func TestPersonActionsReachTheBot(t *testing.T) {
	v := newEnv(t)
	general := v.team.GeneralChannel
	path := channelMsgs(v.team, general)

	status, _, msg := v.call("POST", path, v.alice.Token, map[string]any{
		"body": map[string]any{"contentType": "html", "content": `<p>Hi <at id="0">Bob Jones</at> &amp; <b>team</b></p>`},
		"mentions": []any{map[string]any{"id": 0, "mentionText": "Bob Jones", "mentioned": map[string]any{
			"user": map[string]any{"id": v.bob.ID, "displayName": "Bob Jones", "userIdentityType": "aadUser"}}}},
	})
	if status != http.StatusCreated {
		t.Fatalf("post: %d %v", status, msg)
	}
	root := str(msg, "id")
	if str(msg, "from", "user", "id") != v.alice.ID || str(msg, "from", "user", "displayName") != "Alice Smith" || msg["replyToId"] != nil {
		t.Errorf("graph message = %v", msg)
	}
	act := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "message" && a["id"] == root })
	checks := map[string][2]string{
		"conversation.id":       {str(act, "conversation", "id"), general.ID + ";messageid=" + root},
		"conversationType":      {str(act, "conversation", "conversationType"), "channel"},
		"conversation.tenantId": {str(act, "conversation", "tenantId"), v.tenant.ID},
		"from.id":               {str(act, "from", "id"), v.alice.BotID},
		"from.aadObjectId":      {str(act, "from", "aadObjectId"), v.alice.ID},
		"recipient.id":          {str(act, "recipient", "id"), v.bot.BotID},
		"text":                  {str(act, "text"), "Hi <at>Bob Jones</at> & team"},
		"channelData.tenant":    {str(act, "channelData", "tenant", "id"), v.tenant.ID},
		"channelData.channel":   {str(act, "channelData", "channel", "id"), general.ID},
		"channelData.team":      {str(act, "channelData", "team", "id"), general.ID},
		"channelId":             {str(act, "channelId"), "msteams"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	atts := act["attachments"].([]any)
	htmlAtt := atts[0].(map[string]any)
	if htmlAtt["contentType"] != "text/html" || !strings.Contains(htmlAtt["content"].(string), `itemtype="http://schema.skype.com/Mention" itemid="0">Bob Jones</span>`) {
		t.Errorf("text/html attachment = %v", htmlAtt)
	}
	ent := act["entities"].([]any)[0].(map[string]any)
	if ent["type"] != "mention" || ent["text"] != "<at>Bob Jones</at>" || str(ent, "mentioned", "id") != v.bob.BotID {
		t.Errorf("mention entity = %v", ent)
	}

	// Reply.
	status, _, rep := v.call("POST", path+"/"+root+"/replies", v.bob.Token, map[string]any{"body": map[string]any{"content": "a reply"}})
	if status != http.StatusCreated || rep["replyToId"] != root {
		t.Fatalf("reply: %d %v", status, rep)
	}
	reply := str(rep, "id")
	ra := v.botRecv.waitFor(func(a activity) bool { return a["id"] == reply && a["type"] == "message" })
	if ra["replyToId"] != root || str(ra, "conversation", "id") != general.ID+";messageid="+root || ra["text"] != "a reply" {
		t.Errorf("reply activity = %v", ra)
	}

	// Edit the reply.
	status, _, _ = v.call("PATCH", path+"/"+root+"/replies/"+reply, v.bob.Token, map[string]any{"body": map[string]any{"content": "fixed"}})
	if status != http.StatusNoContent {
		t.Fatalf("patch: %d", status)
	}
	ed := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "messageUpdate" })
	if ed["id"] != reply || ed["text"] != "fixed" || str(ed, "channelData", "eventType") != "editMessage" || str(ed, "conversation", "id") != general.ID+";messageid="+root {
		t.Errorf("messageUpdate = %v", ed)
	}
	// Only the sender may edit.
	if status, _, _ = v.call("PATCH", path+"/"+root, v.bob.Token, map[string]any{"body": map[string]any{"content": "x"}}); status != http.StatusForbidden {
		t.Errorf("editing someone else's: %d", status)
	}

	// Reactions.
	for _, action := range []string{"setReaction", "unsetReaction"} {
		status, _, _ = v.call("POST", path+"/"+root+"/"+action, v.bob.Token, map[string]any{"reactionType": "like"})
		if status != http.StatusNoContent {
			t.Fatalf("%s: %d", action, status)
		}
	}
	added := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "messageReaction" && a["reactionsAdded"] != nil })
	if added["replyToId"] != root || str(added, "from", "id") != v.bob.BotID || added["reactionsAdded"].([]any)[0].(map[string]any)["type"] != "like" {
		t.Errorf("reaction added = %v", added)
	}
	removed := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "messageReaction" && a["reactionsRemoved"] != nil })
	if removed["replyToId"] != root {
		t.Errorf("reaction removed = %v", removed)
	}
	_, _, _ = v.call("POST", path+"/"+root+"/setReaction", v.alice.Token, map[string]any{"reactionType": "💘"})
	_, _, got := v.call("GET", path+"/"+root, v.alice.Token, nil)
	rs := got["reactions"].([]any)
	if len(rs) != 1 || rs[0].(map[string]any)["reactionType"] != "💘" || str(rs[0].(map[string]any), "user", "user", "id") != v.alice.ID {
		t.Errorf("reactions = %v", rs)
	}

	// Soft delete and undo.
	if status, _, _ = v.call("POST", path+"/"+root+"/softDelete", v.alice.Token, nil); status != http.StatusNoContent {
		t.Fatalf("softDelete: %d", status)
	}
	del := v.botRecv.waitFor(func(a activity) bool { return a["type"] == "messageDelete" })
	if del["id"] != root || str(del, "channelData", "eventType") != "softDeleteMessage" || del["text"] != nil {
		t.Errorf("messageDelete = %v", del)
	}
	if status, _, _ = v.call("POST", path+"/"+root+"/undoSoftDelete", v.alice.Token, nil); status != http.StatusNoContent {
		t.Fatalf("undoSoftDelete: %d", status)
	}
	un := v.botRecv.waitFor(func(a activity) bool { return str(a, "channelData", "eventType") == "undeleteMessage" })
	if un["type"] != "messageUpdate" || un["id"] != root {
		t.Errorf("undelete = %v", un)
	}

	// Activities arrive in the order things happened.
	var order []string
	for _, a := range v.botRecv.all() {
		if a["type"] != "conversationUpdate" && a["type"] != "installationUpdate" {
			order = append(order, a["type"].(string))
		}
	}
	want := "message message messageUpdate messageReaction messageReaction messageReaction messageDelete messageUpdate"
	if strings.Join(order, " ") != want {
		t.Errorf("order %v, want %s", order, want)
	}
}

func TestGraphMessageValidation(t *testing.T) {
	v := newEnv(t)
	path := channelMsgs(v.team, v.team.GeneralChannel)
	outsider := v.e.AddUser(v.tenant.ID, "Eve Out", "eve@contoso.example")
	cases := []struct {
		name   string
		token  string
		path   string
		body   any
		status int
	}{
		{"no body", v.alice.Token, path, map[string]any{}, 400},
		{"empty content", v.alice.Token, path, map[string]any{"body": map[string]any{"content": " "}}, 400},
		{"bad content type", v.alice.Token, path, map[string]any{"body": map[string]any{"contentType": "rtf", "content": "x"}}, 400},
		{"mention not in body", v.alice.Token, path, map[string]any{"body": map[string]any{"contentType": "html", "content": "x"}, "mentions": []any{map[string]any{"id": 0, "mentionText": "B", "mentioned": map[string]any{"user": map[string]any{"id": v.bob.ID}}}}}, 400},
		{"unknown mentioned user", v.alice.Token, path, map[string]any{"body": map[string]any{"contentType": "html", "content": `<at id="0">B</at>`}, "mentions": []any{map[string]any{"id": 0, "mentionText": "B", "mentioned": map[string]any{"user": map[string]any{"id": ids.UUID()}}}}}, 400},
		{"attachment not in body", v.alice.Token, path, map[string]any{"body": map[string]any{"content": "x"}, "attachments": []any{map[string]any{"id": "a1", "contentType": "reference"}}}, 400},
		{"not JSON", v.alice.Token, path, "{", 400},
		{"not a member", outsider.Token, path, map[string]any{"body": map[string]any{"content": "x"}}, 403},
		{"app token cannot post", v.graphToken(), path, map[string]any{"body": map[string]any{"content": "x"}}, 403},
		{"unknown team", v.alice.Token, "/v1.0/teams/" + ids.UUID() + "/channels/x/messages", map[string]any{"body": map[string]any{"content": "x"}}, 404},
		{"unknown channel", v.alice.Token, "/v1.0/teams/" + v.team.ID + "/channels/19:x@thread.tacv2/messages", map[string]any{"body": map[string]any{"content": "x"}}, 404},
		{"reply to unknown", v.alice.Token, path + "/123/replies", map[string]any{"body": map[string]any{"content": "x"}}, 404},
		{"bad action", v.alice.Token, path + "/123/explode", nil, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.call("POST", tc.path, tc.token, tc.body)
			if status != tc.status || str(body, "error", "code") == "" {
				t.Errorf("got %d %v, want %d", status, body, tc.status)
			}
		})
	}
}

func TestGraphDirectory(t *testing.T) {
	v := newEnv(t)
	app := v.graphToken()
	cases := []struct {
		name, path, token string
		status            int
		wantID            string
	}{
		{"user by id", "/v1.0/users/" + v.alice.ID, app, 200, v.alice.ID},
		{"user by upn", "/v1.0/users/" + url.PathEscape(strings.ToUpper(v.bob.UPN)), app, 200, v.bob.ID},
		{"unknown user", "/v1.0/users/" + ids.UUID(), app, 404, ""},
		{"me", "/v1.0/me", v.alice.Token, 200, v.alice.ID},
		{"me with app token", "/v1.0/me", app, 400, ""},
		{"team", "/v1.0/teams/" + v.team.ID, v.alice.Token, 200, v.team.ID},
		{"channel", "/v1.0/teams/" + v.team.ID + "/channels/" + url.PathEscape(v.random.ID), app, 200, v.random.ID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.call("GET", tc.path, tc.token, nil)
			if status != tc.status || (tc.wantID != "" && body["id"] != tc.wantID) {
				t.Errorf("got %d %v", status, body)
			}
		})
	}
	filters := []struct {
		filter string
		want   int
		status int
	}{
		{"mail eq 'ALICE@contoso.example'", 1, 200},
		{"userPrincipalName eq '" + v.bob.UPN + "'", 1, 200},
		{"mail eq 'nobody@contoso.example'", 0, 200},
		{"startswith(mail,'a')", 0, 400},
	}
	for _, f := range filters {
		t.Run("filter "+f.filter, func(t *testing.T) {
			status, _, body := v.call("GET", "/v1.0/users?$filter="+url.QueryEscape(f.filter), app, nil)
			if status != f.status || (status == 200 && len(body["value"].([]any)) != f.want) {
				t.Errorf("got %d %v", status, body)
			}
		})
	}
	status, _, body := v.call("GET", "/v1.0/me/joinedTeams", v.alice.Token, nil)
	if status != 200 || len(body["value"].([]any)) != 1 {
		t.Errorf("joinedTeams %d %v", status, body)
	}
	status, _, body = v.call("GET", "/v1.0/teams/"+v.team.ID+"/channels", v.alice.Token, nil)
	if status != 200 || len(body["value"].([]any)) != 2 {
		t.Errorf("channels %d %v", status, body)
	}
}

func TestGraphListPaging(t *testing.T) {
	v := newEnv(t)
	path := channelMsgs(v.team, v.random)
	for i := range 25 {
		v.clock.Advance(time.Second) // stay under the Graph throttle
		if s, _, _ := v.call("POST", path, v.alice.Token, map[string]any{"body": map[string]any{"content": "m" + itoaTest(i)}}); s != 201 {
			t.Fatalf("post %d: %d", i, s)
		}
	}
	status, _, page := v.call("GET", path, v.alice.Token, nil)
	vals := page["value"].([]any)
	if status != 200 || len(vals) != 20 || str(vals[0].(map[string]any), "body", "content") != "m"+itoaTest(24) {
		t.Fatalf("page 1: %d len %d", status, len(vals))
	}
	next := str(page, "@odata.nextLink")
	if next == "" {
		t.Fatal("no nextLink")
	}
	status, _, page = v.call("GET", next, v.alice.Token, nil)
	if status != 200 || len(page["value"].([]any)) != 5 || page["@odata.nextLink"] != nil {
		t.Fatalf("page 2: %d %v", status, page["@odata.nextLink"])
	}
	if s, _, _ := v.call("GET", path+"?$top=51", v.alice.Token, nil); s != 400 {
		t.Errorf("$top=51: %d", s)
	}
}

func TestGraphThrottling(t *testing.T) {
	v := newEnv(t)
	var last int
	var h http.Header
	for range 51 {
		last, h, _ = v.call("GET", "/v1.0/me", v.alice.Token, nil)
	}
	if last != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("51st call in a second: %d Retry-After %q", last, h.Get("Retry-After"))
	}
	// Another person's token has its own budget.
	if s, _, _ := v.call("GET", "/v1.0/me", v.bob.Token, nil); s != 200 {
		t.Errorf("bob: %d", s)
	}
	v.clock.Advance(time.Second)
	if s, _, _ := v.call("GET", "/v1.0/me", v.alice.Token, nil); s != 200 {
		t.Errorf("after a second: %d", s)
	}
}
