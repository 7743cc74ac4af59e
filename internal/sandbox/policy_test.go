package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	chat "google.golang.org/api/chat/v1"
)

// putPolicy replaces the demo tenant's policy document as its admin.
func (w *world) putPolicy(doc string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, w.m.Admin.APIURL+"tenants/demo/policies", strings.NewReader(doc))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.adminToken("demo", "admin"))
	res, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); res.StatusCode != 200 {
		w.t.Fatalf("PUT policies: %d %s", res.StatusCode, b)
	}
}

// awaitSlackNotice waits for a reply in the thread of ts containing want.
func (w *world) awaitSlackNotice(ws SlackWorkspace, ch, ts, want string) string {
	w.t.Helper()
	var text string
	w.poll("notice "+want, func() bool {
		msgs, _, _, err := w.reader(ws, 0).GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: ts})
		if err != nil {
			return false
		}
		for _, m := range msgs {
			if m.Timestamp != ts && strings.Contains(m.Text, want) {
				text = m.Text
				return true
			}
		}
		return false
	})
	return text
}

// webexPostFile posts text and a file to a room as p, as Webex's clients
// do: multipart/form-data.
func (w *world) webexPostFile(p Person, room, text, name string, content []byte) string {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("roomId", room)
	_ = mw.WriteField("text", text)
	fw, _ := mw.CreateFormFile("files", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.pl.Webex.APIURL+"messages", &body)
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var out webexMessage
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		w.t.Fatalf("webex file post: %d %s", res.StatusCode, b)
	}
	_ = json.Unmarshal(b, &out)
	return out.ID
}

// TestPolicies: through the sandbox, with the demo tenant's policy set
// through the admin API, a card number to a link whose card rule blocks
// reaches no destination and its sender is told in the thread; set to
// redact, the copies show it masked; with file sharing off, a file from
// Slack, Webex or Google Chat does not cross and its sender is told; and a
// restricted person's message stays in their own workspace.
func TestPolicies(t *testing.T) {
	w := startWorld(t)
	link := w.m.Links[0].ID
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice := w.person(acme, "alice")
	gdom, wexOrg := w.pl.GChat.Domains[0], w.pl.Webex.Orgs[0]
	space, room := gdom.Spaces[0].Name, wexOrg.Rooms[0].ID
	person := func(ps []Person, name string) Person {
		i := slices.IndexFunc(ps, func(p Person) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("no %s", name)
		}
		return ps[i]
	}
	frank, grace := person(gdom.Users, "frank"), person(wexOrg.Users, "grace")
	const card = "4111 1111 1111 1111"

	// Block: nothing crosses, the sender is told which rule.
	w.putPolicy(`{"links":{"` + link + `":{"rules":[{"detector":"payment_card","action":"block"}]}}}`)
	blocked := "card-" + randomHex(4)
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(blocked+" my card is "+card, false))
	if err != nil {
		t.Fatal(err)
	}
	if n := w.awaitSlackNotice(acme, acmeCh, ts, "payment card number"); strings.Contains(n, "4111") {
		t.Fatalf("the notice repeats the card number: %q", n)
	}
	// A message sent after it crosses: when it has arrived everywhere,
	// the blocked one would have too.
	after := "after-" + randomHex(4)
	if _, _, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(after, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "the next message", func(msgs []slack.Message) bool { return find(msgs, after) != nil })
	w.poll("the next message on Webex", func() bool {
		return slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, after) })
	})
	w.poll("the next message on Google Chat", func() bool {
		return slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool { return strings.Contains(m.Text, after) })
	})
	msgs, err := w.history(w.reader(globex, 0), globexCh)
	if err != nil {
		t.Fatal(err)
	}
	if find(msgs, blocked) != nil || slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, blocked) }) ||
		slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool { return strings.Contains(m.Text, blocked) }) {
		t.Fatal("a blocked message reached a destination")
	}

	// Redact: the copies show it masked.
	w.putPolicy(`{"links":{"` + link + `":{"rules":[{"detector":"payment_card","action":"redact"}]}}}`)
	masked := "masked-" + randomHex(4)
	if _, _, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(masked+" card "+card+" ok", false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "masked copy", func(msgs []slack.Message) bool {
		m := find(msgs, masked)
		if m == nil {
			return false
		}
		if strings.Contains(m.Text, "4111") || !strings.Contains(m.Text, "[payment card number redacted]") {
			t.Fatalf("copy not masked: %q", m.Text)
		}
		return true
	})
	w.poll("masked copy on Webex", func() bool {
		for _, m := range w.webexMessages(grace, room) {
			if strings.Contains(m.Text+m.Markdown, masked) {
				if strings.Contains(m.Text+m.Markdown, "4111") {
					t.Fatalf("Webex copy not masked: %q", m.Text)
				}
				return true
			}
		}
		return false
	})

	// File sharing off: a file from any platform stays where it was
	// posted (the text crosses without it) and its sender is told.
	w.putPolicy(`{"links":{"` + link + `":{"files":{"enabled":false}}}}`)
	content := []byte("quarterly numbers " + randomHex(8))
	slackNote := "sfile-" + randomHex(4)
	if _, err := w.api(alice).UploadFileContext(context.Background(), slack.UploadFileParameters{
		Reader: bytes.NewReader(content), FileSize: len(content), Filename: "q3.bin", Channel: acmeCh, InitialComment: slackNote,
	}); err != nil {
		t.Fatal(err)
	}
	var fileTS string
	w.await(acme, acmeCh, "the file post", func(msgs []slack.Message) bool {
		if m := find(msgs, slackNote); m != nil {
			fileTS = m.Timestamp
			return true
		}
		return false
	})
	w.awaitSlackNotice(acme, acmeCh, fileTS, "file sharing is turned off")
	w.await(globex, globexCh, "the text without the file", func(msgs []slack.Message) bool {
		m := find(msgs, slackNote)
		if m != nil && len(m.Files) > 0 {
			t.Fatal("a file crossed from Slack with file sharing off")
		}
		return m != nil
	})

	webexNote := "wfile-" + randomHex(4)
	wid := w.webexPostFile(grace, room, webexNote, "w.bin", content)
	w.poll("Webex sender told", func() bool {
		return slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool {
			return m.ParentID == wid && strings.Contains(m.Text+m.Markdown, "file sharing is turned off")
		})
	})
	w.await(acme, acmeCh, "Webex text without the file", func(msgs []slack.Message) bool {
		m := find(msgs, webexNote)
		if m != nil && len(m.Files) > 0 {
			t.Fatal("a file crossed from Webex with file sharing off")
		}
		return m != nil
	})

	gchatNote := "gfile-" + randomHex(4)
	up, err := w.gchatAs(frank).Media.Upload(space, &chat.UploadAttachmentRequest{Filename: "g.bin"}).Media(bytes.NewReader(content)).Do()
	if err != nil {
		t.Fatal(err)
	}
	gm, err := w.gchatAs(frank).Spaces.Messages.Create(space, &chat.Message{Text: gchatNote, Attachment: []*chat.Attachment{{AttachmentDataRef: up.AttachmentDataRef}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	w.poll("Google Chat sender told", func() bool {
		return slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool {
			return m.Name != gm.Name && m.Thread != nil && gm.Thread != nil && m.Thread.Name == gm.Thread.Name && strings.Contains(m.Text, "file sharing is turned off")
		})
	})
	w.await(acme, acmeCh, "Google Chat text without the file", func(msgs []slack.Message) bool {
		m := find(msgs, gchatNote)
		if m != nil && len(m.Files) > 0 {
			t.Fatal("a file crossed from Google Chat with file sharing off")
		}
		return m != nil
	})

	// A restricted person's message stays in their company's workspace.
	w.putPolicy(`{"links":{"` + link + `":{"restricted_people":["` + alice.Email + `"]}}}`)
	kept := "kept-" + randomHex(4)
	_, ts, err = w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(kept, false))
	if err != nil {
		t.Fatal(err)
	}
	w.awaitSlackNotice(acme, acmeCh, ts, "outside your company")
	bob := w.person(globex, "bob")
	next := "next-" + randomHex(4)
	if _, _, err := w.api(w.person(acme, "carol")).PostMessage(acmeCh, slack.MsgOptionText(next, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "someone else's message", func(msgs []slack.Message) bool { return find(msgs, next) != nil })
	if msgs, err := w.history(w.api(bob), globexCh); err != nil || find(msgs, kept) != nil {
		t.Fatalf("a restricted person's message left their workspace (%v)", err)
	}
	if slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, kept) }) {
		t.Fatal("a restricted person's message reached Webex")
	}
}
