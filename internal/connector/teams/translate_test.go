package teams

import (
	"encoding/json"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
)

const (
	testChannel = "19:abc@thread.tacv2"
	testTenant  = "tenant-guid"
	testBot     = "28:app-id"
)

var testInstall = install{tenant: "t1", botID: testBot}

func parseActivity(t *testing.T, s string) *activity {
	t.Helper()
	var a activity
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

func TestTranslate(t *testing.T) {
	const common = `"serviceUrl":"https://smba.trafficmanager.net/teams/","channelId":"msteams","timestamp":"2026-11-22T10:00:00.1234567Z",
		"channelData":{"tenant":{"id":"tenant-guid"},"channel":{"id":"19:abc@thread.tacv2"},"team":{"id":"19:team@thread.tacv2"}}`
	from := `"from":{"id":"29:ann","name":"Ann","aadObjectId":"aad-ann"}`
	tests := []struct {
		name string
		in   string
		want []core.Event // compared on kind, message, thread, author, emoji, body text
	}{
		{"root post", `{"type":"message","id":"100",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100","conversationType":"channel"},"text":"hi",` + common + `}`,
			[]core.Event{{Kind: core.Posted, Message: "100", Author: core.Author{ID: "aad-ann", Name: "Ann"}, Body: richtext.Plain("hi")}}},
		{"reply", `{"type":"message","id":"101",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100"},"replyToId":"100","text":"re",` + common + `}`,
			[]core.Event{{Kind: core.Posted, Message: "101", Thread: "100", Author: core.Author{ID: "aad-ann", Name: "Ann"}, Body: richtext.Plain("re")}}},
		{"html copy wins and mentions resolve", `{"type":"message","id":"102",` + from + `,"conversation":{"id":"19:abc@thread.tacv2"},"text":"<at>Parley</at> hi <at>Bob</at>",
			"attachments":[{"contentType":"text/html","content":"<div><at>Parley</at> <b>hi</b> <at>Bob</at></div>"}],
			"entities":[{"type":"mention","text":"<at>Parley</at>","mentioned":{"id":"28:app-id","name":"Parley"}},{"type":"mention","text":"<at>Bob</at>","mentioned":{"id":"29:bob","name":"Bob","aadObjectId":"aad-bob"}}],` + common + `}`,
			[]core.Event{{Kind: core.Posted, Message: "102", Author: core.Author{ID: "aad-ann", Name: "Ann"}, Body: richtext.Doc{Nodes: []richtext.Node{
				{Kind: richtext.Bold, Children: []richtext.Node{{Kind: richtext.Text, Text: "hi"}}},
				{Kind: richtext.Text, Text: " "},
				{Kind: richtext.UserMention, ID: "aad-bob", Text: "Bob"}}}}}},
		{"edit", `{"type":"messageUpdate","id":"100",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100"},"text":"new",` +
			`"serviceUrl":"https://x/","channelId":"msteams","timestamp":"2026-11-22T10:01:00Z","channelData":{"eventType":"editMessage","tenant":{"id":"tenant-guid"}}}`,
			[]core.Event{{Kind: core.Edited, Message: "100", Author: core.Author{ID: "aad-ann", Name: "Ann"}, Body: richtext.Plain("new")}}},
		{"undelete is not an edit", `{"type":"messageUpdate","id":"100",` + from + `,"conversation":{"id":"19:abc@thread.tacv2"},"channelData":{"eventType":"undeleteMessage"}}`, nil},
		{"delete of a reply", `{"type":"messageDelete","id":"101",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100"},"channelData":{"eventType":"softDeleteMessage"}}`,
			[]core.Event{{Kind: core.Deleted, Message: "101", Thread: "100", Author: core.Author{ID: "aad-ann", Name: "Ann"}}}},
		{"reactions", `{"type":"messageReaction","id":"r1",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100"},"replyToId":"100",
			"reactionsAdded":[{"type":"like"},{"type":"🎉"}],"reactionsRemoved":[{"type":"heart"}]}`,
			[]core.Event{
				{Kind: core.ReactionAdded, Message: "100", Emoji: "thumbsup", Author: core.Author{ID: "aad-ann", Name: "Ann"}},
				{Kind: core.ReactionAdded, Message: "100", Emoji: "tada", Author: core.Author{ID: "aad-ann", Name: "Ann"}},
				{Kind: core.ReactionRemoved, Message: "100", Emoji: "heart", Author: core.Author{ID: "aad-ann", Name: "Ann"}}}},
		{"reaction to a reply", `{"type":"messageReaction","id":"r2",` + from + `,"conversation":{"id":"19:abc@thread.tacv2;messageid=100"},"replyToId":"101","reactionsAdded":[{"type":"like"}]}`,
			[]core.Event{{Kind: core.ReactionAdded, Message: "101", Thread: "100", Emoji: "thumbsup", Author: core.Author{ID: "aad-ann", Name: "Ann"}}}},
		{"our own post", `{"type":"message","id":"103","from":{"id":"28:app-id"},"conversation":{"id":"19:abc@thread.tacv2"},"text":"echo"}`, nil},
		{"only the bot mention", `{"type":"message","id":"104",` + from + `,"conversation":{"id":"19:abc@thread.tacv2"},"text":"<at>Parley</at>",
			"entities":[{"type":"mention","text":"<at>Parley</at>","mentioned":{"id":"28:app-id","name":"Parley"}}]}`, nil},
		{"file", `{"type":"message","id":"105",` + from + `,"conversation":{"id":"19:abc@thread.tacv2"},"text":"",
			"attachments":[{"contentType":"application/vnd.microsoft.teams.file.download.info","contentUrl":"https://x.sharepoint.com/a.pdf","name":"a.pdf",
			"content":{"downloadUrl":"https://x.sharepoint.com/dl/a","uniqueId":"GUID-1","fileType":"pdf"}}]}`,
			[]core.Event{{Kind: core.Posted, Message: "105", Author: core.Author{ID: "aad-ann", Name: "Ann"}}}},
		{"conversationUpdate", `{"type":"conversationUpdate","id":"106",` + from + `,"conversation":{"id":"19:abc@thread.tacv2"}}`, nil},
		{"no conversation", `{"type":"message","id":"107",` + from + `,"text":"x"}`, nil},
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(parseActivity(t, tt.in), testInstall, now)
			if len(got) != len(tt.want) {
				t.Fatalf("%d events, want %d", len(got), len(tt.want))
			}
			ids := map[core.EventID]bool{}
			for i, ev := range got {
				w := tt.want[i]
				if ev.Kind != w.Kind || ev.Message != w.Message || ev.Thread != w.Thread || ev.Author != w.Author || ev.Emoji != w.Emoji {
					t.Errorf("event %d = %s %s thread %q by %+v emoji %q, want %s %s thread %q by %+v emoji %q",
						i, ev.Kind, ev.Message, ev.Thread, ev.Author, ev.Emoji, w.Kind, w.Message, w.Thread, w.Author, w.Emoji)
				}
				if richtext.RenderPlain(ev.Body) != richtext.RenderPlain(w.Body) {
					t.Errorf("event %d body %q, want %q", i, richtext.RenderPlain(ev.Body), richtext.RenderPlain(w.Body))
				}
				if ev.Source != (core.ChannelRef{Platform: core.Teams, Workspace: testTenant, Channel: testChannel}) && ev.Source.Workspace != "" {
					t.Errorf("event %d source %v", i, ev.Source)
				}
				if ev.ID == "" || ids[ev.ID] || ev.Tenant != "t1" || ev.Time.IsZero() {
					t.Errorf("event %d: id %q (dup %v), tenant %q, time %v", i, ev.ID, ids[ev.ID], ev.Tenant, ev.Time)
				}
				ids[ev.ID] = true
			}
		})
	}
}

func TestTranslateFile(t *testing.T) {
	a := parseActivity(t, `{"type":"message","id":"105","from":{"id":"29:ann"},"conversation":{"id":"19:abc@thread.tacv2"},
		"attachments":[{"contentType":"application/vnd.microsoft.teams.file.download.info","contentUrl":"https://x/a.pdf","name":"a.pdf",
		"content":{"downloadUrl":"https://x/dl/a","uniqueId":"GUID-1"}},{"contentType":"image/png","contentUrl":"https://smba.trafficmanager.net/img/1"},
		{"contentType":"application/vnd.microsoft.teams.file.download.info","name":"nourl.bin","content":{}}]}`)
	evs := translate(a, testInstall, time.Now())
	if len(evs) != 1 || len(evs[0].Files) != 2 {
		t.Fatalf("events %d, files %v", len(evs), evs)
	}
	f := evs[0].Files
	if f[0].ID != "GUID-1" || f[0].Name != "a.pdf" || f[0].URL != "https://x/dl/a" || f[0].MimeType != "application/pdf" {
		t.Errorf("file %+v", f[0])
	}
	if f[1].Name != "image.png" || f[1].MimeType != "image/png" {
		t.Errorf("image %+v", f[1])
	}
}

// TestEditsAreDistinct: every edit of a message has the message's ID, so
// the delivery ID must tell edits apart while a redelivery stays the same.
func TestEditsAreDistinct(t *testing.T) {
	edit := func(ts string) core.EventID {
		a := parseActivity(t, `{"type":"messageUpdate","id":"100","from":{"id":"29:ann"},"conversation":{"id":"19:abc@thread.tacv2"},
			"timestamp":"`+ts+`","text":"x","channelData":{"eventType":"editMessage"}}`)
		return translate(a, testInstall, time.Now())[0].ID
	}
	first, again, second := edit("2026-11-22T10:00:00Z"), edit("2026-11-22T10:00:00Z"), edit("2026-11-22T10:05:00Z")
	if first != again || first == second {
		t.Fatalf("edit IDs %q, %q, %q", first, again, second)
	}
}

func FuzzActivity(f *testing.F) {
	f.Add(`{"type":"message","id":"1","from":{"id":"29:a"},"conversation":{"id":"19:c@thread.tacv2;messageid=1"},"text":"<at>x</at> <b>hi"}`)
	f.Add(`{"type":"messageReaction","id":"2","from":{"id":"29:a"},"conversation":{"id":"c"},"replyToId":"1","reactionsAdded":[{"type":"like"},{}]}`)
	f.Add(`{"type":"message","id":"3","from":{"id":"29:a"},"conversation":{"id":"c"},"attachments":[{"contentType":"text/html","content":"<p>x</p>"},{"contentType":"application/vnd.microsoft.teams.file.download.info","content":{"downloadUrl":"https://x"}}],"entities":[{"type":"mention","mentioned":{"id":"28:app-id"}}]}`)
	f.Add(`{"type":"messageUpdate","id":"4","from":{"id":"29:a"},"conversation":{"id":";messageid="},"channelData":{"eventType":"editMessage","team":{"id":"t","aadGroupId":"g"}}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var a activity
		if json.Unmarshal([]byte(in), &a) != nil {
			return
		}
		for _, ev := range translate(&a, testInstall, time.Now()) {
			if ev.ID == "" || ev.Message == "" || ev.Source.Channel == "" {
				t.Fatalf("incomplete event from %q: %+v", in, ev)
			}
			if ev.Author.ID == testBot {
				t.Fatalf("our own activity relayed: %q", in)
			}
			ev.Body.Walk(func(n *richtext.Node) {
				if n.Kind == richtext.UserMention && n.ID == testBot {
					t.Fatalf("mention of the bot kept: %q", in)
				}
			})
		}
	})
}

func connectorAuthor(name, avatar string) core.Author {
	return core.Author{ID: "x", Name: name, Avatar: avatar}
}
