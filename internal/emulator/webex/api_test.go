package webex_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	webexemu "parley/internal/emulator/webex"
)

var idShape = regexp.MustCompile(`^ciscospark://us/([A-Z]+)/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestIDsLookLikeWebex(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	for _, tc := range []struct{ name, id, kind string }{
		{"org", w.org.ID, "ORGANIZATION"}, {"person", w.ann.ID, "PEOPLE"},
		{"bot", w.bot.ID, "PEOPLE"}, {"room", w.room.ID, "ROOM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := base64.RawURLEncoding.DecodeString(tc.id)
			if err != nil {
				t.Fatalf("not base64: %v", err)
			}
			m := idShape.FindStringSubmatch(string(raw))
			if m == nil || m[1] != tc.kind {
				t.Fatalf("decodes to %q, want ciscospark://us/%s/<uuid>", raw, tc.kind)
			}
		})
	}
	if !strings.HasSuffix(w.bot.Email, "@webex.bot") {
		t.Fatalf("bot email %q", w.bot.Email)
	}
}

func TestMessageLifecycle(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	var root, reply, got msg
	if res := w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "markdown": "**hi** <@personEmail:bob@acme.example|Bob>"}, &root); res.StatusCode != 200 {
		t.Fatalf("create: %d", res.StatusCode)
	}
	if root.Text != "hi Bob" || len(root.MentionedPeople) != 1 || root.MentionedPeople[0] != w.bob.ID {
		t.Fatalf("created %+v", root)
	}
	w.do(t, w.bob.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "parentId": root.ID, "text": "re"}, &reply)
	if reply.ParentID != root.ID {
		t.Fatalf("reply parent %q", reply.ParentID)
	}
	steps := []struct {
		name   string
		token  string
		method string
		path   string
		body   any
		want   int
	}{
		{"reply to a reply is refused", w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "parentId": reply.ID, "text": "x"}, 400},
		{"too long", w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": strings.Repeat("a", 7440)}, 400},
		{"exactly the limit", w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": strings.Repeat("a", 7439)}, 200},
		{"no token", "", "GET", "messages/" + root.ID, nil, 401},
		{"bad token", "nope", "GET", "messages/" + root.ID, nil, 401},
		{"malformed json", w.ann.Token, "POST", "messages", "{", 400},
		{"edit by another", w.bob.Token, "PUT", "messages/" + root.ID, map[string]string{"roomId": w.room.ID, "text": "x"}, 403},
		{"edit without room", w.ann.Token, "PUT", "messages/" + root.ID, map[string]string{"text": "x"}, 400},
		{"edit", w.ann.Token, "PUT", "messages/" + root.ID, map[string]string{"roomId": w.room.ID, "markdown": "edited"}, 200},
		{"delete by another", w.bob.Token, "DELETE", "messages/" + root.ID, nil, 403},
		{"delete", w.ann.Token, "DELETE", "messages/" + root.ID, nil, 204},
		{"get deleted", w.ann.Token, "GET", "messages/" + root.ID, nil, 404},
		{"delete again", w.ann.Token, "DELETE", "messages/" + root.ID, nil, 404},
		{"unknown room", w.ann.Token, "POST", "messages", map[string]string{"roomId": "Y2lzY29zcGFyazovL3VzL1JPT00vbm9uZQ", "text": "x"}, 404},
		{"unknown path", w.ann.Token, "GET", "nothing", nil, 404},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var res *http.Response
			if str, ok := s.body.(string); ok {
				req, _ := http.NewRequestWithContext(t.Context(), s.method, w.emu.APIURL()+s.path, strings.NewReader(str))
				req.Header.Set("Authorization", "Bearer "+s.token)
				res = w.send(t, req, nil)
			} else {
				res = w.do(t, s.token, s.method, s.path, s.body, nil)
			}
			if res.StatusCode != s.want {
				t.Fatalf("status %d, want %d", res.StatusCode, s.want)
			}
			if res.Header.Get("TrackingID") == "" {
				t.Fatal("no TrackingID header")
			}
		})
	}
	w.do(t, w.bob.Token, "GET", "messages/"+reply.ID, nil, &got)
	if got.Text != "re" {
		t.Fatalf("reply text %q", got.Text)
	}
}

func TestBotVisibility(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	var plain, mention msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "for people"}, &plain)
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "markdown": "<@personId:" + w.bot.ID + "|Relay Bot> hi"}, &mention)
	tests := []struct {
		name, token, path string
		want              int
	}{
		{"bot reads a mention", w.bot.Token, "messages/" + mention.ID, 200},
		{"bot cannot read others", w.bot.Token, "messages/" + plain.ID, 403},
		{"person reads everything", w.bob.Token, "messages/" + plain.ID, 200},
		{"bot lists without mentionedPeople", w.bot.Token, "messages?roomId=" + w.room.ID, 403},
		{"bot lists its mentions", w.bot.Token, "messages?mentionedPeople=me&roomId=" + w.room.ID, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res := w.do(t, tc.token, "GET", tc.path, nil, nil); res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
		})
	}
}

func TestListMessages(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	var ids []string
	for _, s := range []string{"one", "two", "three"} {
		var m msg
		w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": s}, &m)
		ids = append(ids, m.ID)
	}
	var list struct{ Items []msg }
	w.do(t, w.bob.Token, "GET", "messages?max=2&roomId="+w.room.ID, nil, &list)
	if len(list.Items) != 2 || list.Items[0].ID != ids[2] || list.Items[1].ID != ids[1] {
		t.Fatalf("newest first, max 2: %+v", list.Items)
	}
	w.do(t, w.bob.Token, "GET", "messages?beforeMessage="+ids[2]+"&roomId="+w.room.ID, nil, &list)
	if len(list.Items) != 2 || list.Items[0].ID != ids[1] {
		t.Fatalf("beforeMessage: %+v", list.Items)
	}
}

func TestPeople(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	var list struct {
		Items []struct {
			ID     string   `json:"id"`
			Emails []string `json:"emails"`
			Type   string   `json:"type"`
		}
	}
	w.do(t, w.bot.Token, "GET", "people?email=ANN@acme.example", nil, &list)
	if len(list.Items) != 1 || list.Items[0].ID != w.ann.ID || list.Items[0].Emails[0] != w.ann.Email {
		t.Fatalf("by email: %+v", list.Items)
	}
	w.do(t, w.bot.Token, "GET", "people?email=nobody@acme.example", nil, &list)
	if len(list.Items) != 0 {
		t.Fatalf("unknown email found %+v", list.Items)
	}
	var me struct{ ID, Type string }
	w.do(t, w.bot.Token, "GET", "people/me", nil, &me)
	if me.ID != w.bot.ID || me.Type != "bot" {
		t.Fatalf("me = %+v", me)
	}
	if res := w.do(t, w.bot.Token, "GET", "people", nil, nil); res.StatusCode != 400 {
		t.Fatalf("unfiltered list: %d", res.StatusCode)
	}
}

func TestFiles(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	data := []byte("file \x00 bytes")
	var m msg
	if res := w.upload(t, w.ann.Token, w.room.ID, "see file", "report.bin", data, &m); res.StatusCode != 200 {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	if len(m.Files) != 1 || !strings.HasPrefix(m.Files[0], w.srv.URL+"/v1/contents/") {
		t.Fatalf("files %v", m.Files)
	}
	get := func(token, method string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), method, m.Files[0], nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := w.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := get(w.bob.Token, "GET")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != string(data) {
		t.Fatalf("download: %d %q", res.StatusCode, body)
	}
	res = get(w.bob.Token, "HEAD")
	res.Body.Close()
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename=report.bin`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if res := get("", "GET"); res.StatusCode != 401 {
		t.Fatalf("download without token: %d", res.StatusCode)
	}
	outsider := w.emu.AddPerson(w.org.ID, "Eve", "eve@acme.example")
	if res := get(outsider.Token, "GET"); res.StatusCode != 404 {
		t.Fatalf("download by a non-member: %d", res.StatusCode)
	}
	if res := w.do(t, w.ann.Token, "POST", "messages", map[string]any{"roomId": w.room.ID, "files": []string{"https://example.com/x"}}, nil); res.StatusCode != 400 {
		t.Fatalf("files by URL: %d", res.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	control := func(method, body string) {
		req, _ := http.NewRequestWithContext(t.Context(), method, w.srv.URL+"/_emulator/faults", strings.NewReader(body))
		if res := w.send(t, req, nil); res.StatusCode != 200 {
			t.Fatalf("control %s: %d", method, res.StatusCode)
		}
	}
	control("POST", `{"workspace":"`+w.org.ID+`","status":429,"retry_after":7,"count":1}`)
	res := w.do(t, w.ann.Token, "GET", "people/me", nil, nil)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "7" {
		t.Fatalf("fault: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := w.do(t, w.ann.Token, "GET", "people/me", nil, nil); res.StatusCode != 200 {
		t.Fatalf("after the counted fault: %d", res.StatusCode)
	}
	control("POST", `{"workspace":"`+w.org.ID+`","status":503}`)
	if res := w.do(t, w.ann.Token, "GET", "people/me", nil, nil); res.StatusCode != 503 {
		t.Fatalf("open-ended fault: %d", res.StatusCode)
	}
	control("DELETE", ``)
	if res := w.do(t, w.ann.Token, "GET", "people/me", nil, nil); res.StatusCode != 200 {
		t.Fatalf("after clearing: %d", res.StatusCode)
	}
	var log struct {
		Requests []struct {
			Call       string `json:"call"`
			Status     int    `json:"status"`
			RetryAfter int    `json:"retry_after"`
			TokenKind  string `json:"token_kind"`
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", w.srv.URL+"/_emulator/requests?workspace="+w.org.ID, nil)
	w.send(t, req, &log)
	if len(log.Requests) != 4 || log.Requests[0].RetryAfter != 7 || log.Requests[0].Call != "people.me" || log.Requests[0].TokenKind != "user" {
		t.Fatalf("request log %+v", log.Requests)
	}
}

func TestRateLimit(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	for i := range 400 {
		res := w.do(t, w.ann.Token, "GET", "people/me", nil, nil)
		if res.StatusCode == 429 {
			if res.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			return
		}
		if i == 399 {
			t.Fatal("400 calls at once were never limited")
		}
	}
}

// TestEditRules: Webex lets a message be edited at most 10 times and not
// at all when it has files or a card (400), and takes cards as one
// Adaptive Card attachment; html is no request parameter (Edit a Message,
// Create a Message).
func TestEditRules(t *testing.T) {
	w := newWorld(t, webexemu.Options{})
	var m msg
	w.do(t, w.ann.Token, "POST", "messages", map[string]string{"roomId": w.room.ID, "text": "v0"}, &m)
	edit := func(id string) int {
		return w.do(t, w.ann.Token, "PUT", "messages/"+id, map[string]string{"roomId": w.room.ID, "text": "again"}, nil).StatusCode
	}
	for i := range 10 {
		if got := edit(m.ID); got != 200 {
			t.Fatalf("edit %d: %d", i+1, got)
		}
	}
	if got := edit(m.ID); got != 400 {
		t.Fatalf("11th edit: %d, want 400", got)
	}

	var file msg
	w.upload(t, w.ann.Token, w.room.ID, "see file", "a.txt", []byte("a"), &file)
	if got := edit(file.ID); got != 400 {
		t.Fatalf("edit of a message with a file: %d, want 400", got)
	}

	card := map[string]any{"contentType": "application/vnd.microsoft.card.adaptive",
		"content": map[string]any{"type": "AdaptiveCard", "version": "1.3", "body": []any{map[string]any{"type": "TextBlock", "text": "hi"}}}}
	var withCard struct {
		ID          string `json:"id"`
		Attachments []struct {
			ContentType string         `json:"contentType"`
			Content     map[string]any `json:"content"`
		} `json:"attachments"`
	}
	if res := w.do(t, w.ann.Token, "POST", "messages", map[string]any{"roomId": w.room.ID, "text": "card fallback", "attachments": []any{card}}, &withCard); res.StatusCode != 200 {
		t.Fatalf("card: %d", res.StatusCode)
	}
	if len(withCard.Attachments) != 1 || withCard.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || withCard.Attachments[0].Content["type"] != "AdaptiveCard" {
		t.Fatalf("card message = %+v", withCard)
	}
	if got := edit(withCard.ID); got != 400 {
		t.Fatalf("edit of a message with a card: %d, want 400", got)
	}
	bad := []struct {
		name string
		body map[string]any
	}{
		{"two cards", map[string]any{"roomId": w.room.ID, "text": "x", "attachments": []any{card, card}}},
		{"not a card", map[string]any{"roomId": w.room.ID, "text": "x", "attachments": []any{map[string]any{"contentType": "text/html", "content": map[string]any{}}}}},
		{"html only", map[string]any{"roomId": w.room.ID, "html": "<b>hi</b>"}},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			if res := w.do(t, w.ann.Token, "POST", "messages", b.body, nil); res.StatusCode != 400 {
				t.Fatalf("status %d, want 400", res.StatusCode)
			}
		})
	}
}
