package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	chat "google.golang.org/api/chat/v1"
	"google.golang.org/api/option"
)

// gchatAs is Google's own Chat client acting as a person.
func (w *world) gchatAs(p Person) *chat.Service {
	w.t.Helper()
	svc, err := chat.NewService(context.Background(), option.WithEndpoint(w.pl.GChat.APIURL),
		option.WithHTTPClient(&http.Client{Transport: bearer{p.Token, w.client.Transport}}))
	if err != nil {
		w.t.Fatal(err)
	}
	return svc
}

type webexMessage struct {
	ID              string   `json:"id"`
	ParentID        string   `json:"parentId"`
	Text            string   `json:"text"`
	Markdown        string   `json:"markdown"`
	PersonEmail     string   `json:"personEmail"`
	Files           []string `json:"files"`
	MentionedPeople []string `json:"mentionedPeople"`
	MentionedGroups []string `json:"mentionedGroups"`
}

// webexCall calls the Webex REST API as a person.
func (w *world) webexCall(p Person, method, path string, body any, out any) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, w.pl.Webex.APIURL+path, rd)
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		w.t.Fatalf("webex %s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			w.t.Fatalf("webex %s: %v", path, err)
		}
	}
}

func (w *world) webexMessages(p Person, room string) []webexMessage {
	var out struct {
		Items []webexMessage `json:"items"`
	}
	w.webexCall(p, http.MethodGet, "messages?max=100&roomId="+url.QueryEscape(room), nil, &out)
	return out.Items
}

func (w *world) gchatMessages(p Person, space string) []*chat.Message {
	w.t.Helper()
	res, err := w.gchatAs(p).Spaces.Messages.List(space).PageSize(100).Do()
	if err != nil {
		w.t.Fatal(err)
	}
	return res.Messages
}

// graph calls Microsoft Graph as a Teams person and returns the raw JSON.
func (w *world) graph(p Person, method, path string, body any) []byte {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, w.pl.Teams.GraphURL+path, rd)
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		w.t.Fatalf("graph %s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return b
}

// teamsCardMentions reports whether the Teams message containing mark
// carries an Adaptive Card whose msteams entities mention id, with the
// entity's <at> text present in the card's text.
func teamsCardMentions(t *testing.T, listing []byte, mark, id string) bool {
	var list struct {
		Value []struct {
			Attachments []struct {
				ContentType string `json:"contentType"`
				Content     string `json:"content"`
			} `json:"attachments"`
		} `json:"value"`
	}
	if err := json.Unmarshal(listing, &list); err != nil {
		t.Fatal(err)
	}
	for _, m := range list.Value {
		for _, a := range m.Attachments {
			if !strings.Contains(a.ContentType, "adaptive") || !strings.Contains(a.Content, mark) {
				continue
			}
			var card struct {
				MSTeams struct {
					Entities []struct {
						Type      string `json:"type"`
						Text      string `json:"text"`
						Mentioned struct {
							ID string `json:"id"`
						} `json:"mentioned"`
					} `json:"entities"`
				} `json:"msteams"`
			}
			if err := json.Unmarshal([]byte(a.Content), &card); err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal([]byte(a.Content), &doc); err != nil {
				t.Fatal(err)
			}
			texts := strings.Join(cardTexts(doc), "\n")
			for _, e := range card.MSTeams.Entities {
				if e.Type == "mention" && e.Mentioned.ID == id && strings.Contains(texts, e.Text) {
					return true
				}
			}
		}
	}
	return false
}

// cardTexts collects every "text" string in a decoded card.
func cardTexts(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" {
				out = append(out, s)
			} else {
				out = append(out, cardTexts(x)...)
			}
		}
	case []any:
		for _, x := range v {
			out = append(out, cardTexts(x)...)
		}
	}
	return out
}

// poll retries fn until it returns true, or fails the test after
// settleTimeout.
func (w *world) poll(what string, fn func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(settleTimeout)
	for !fn() {
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: timed out", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func gchatText(m *chat.Message) string {
	s := m.Text
	for _, c := range m.CardsV2 {
		if c.Card != nil && c.Card.Header != nil {
			s += " [" + c.Card.Header.Title + "]"
		}
	}
	return s
}

// TestFourPlatformRoom: one room of Slack (two companies), Teams, Google
// Chat and Webex. A message from a person on any platform reaches every other with
// the author's name and native mentions; replies, edits and deletes follow.
func TestFourPlatformRoom(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	gdom, wexOrg := w.pl.GChat.Domains[0], w.pl.Webex.Orgs[0]
	space, room := gdom.Spaces[0].Name, wexOrg.Rooms[0].ID
	person := func(ps []Person, name string) Person {
		i := slices.IndexFunc(ps, func(p Person) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("no %s", name)
		}
		return ps[i]
	}
	alice := w.person(acme, "alice")
	frank, carolG := person(gdom.Users, "frank"), person(gdom.Users, "carol")
	grace, carolW := person(wexOrg.Users, "grace"), person(wexOrg.Users, "carol")
	carolS := w.person(acme, "carol")

	// Carol says hello on Google Chat first: Chat gives apps no directory,
	// so Parley learns people there from what they post.
	if _, err := w.gchatAs(carolG).Spaces.Messages.Create(space, &chat.Message{Text: "hello from carol"}).Do(); err != nil {
		t.Fatal(err)
	}
	w.poll("carol's hello reaches Slack", func() bool {
		msgs, err := w.history(w.reader(acme, 1), acmeCh)
		return err == nil && find(msgs, "hello from carol") != nil
	})

	// Slack → Google Chat and Webex, with a mention of Carol.
	mark := "four-" + randomHex(4)
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(fmt.Sprintf("%s *hi* <@%s>", mark, carolS.ID), false))
	if err != nil {
		t.Fatal(err)
	}
	var gCopy *chat.Message
	w.poll("Slack → Google Chat", func() bool {
		for _, m := range w.gchatMessages(frank, space) {
			if strings.Contains(m.Text, mark) {
				gCopy = m
				return true
			}
		}
		return false
	})
	// Chat returns mentions as "@Name" in text and as USER_MENTION
	// annotations, which is what makes them notify.
	mentioned := slices.ContainsFunc(gCopy.Annotations, func(a *chat.Annotation) bool {
		return a.Type == "USER_MENTION" && a.UserMention != nil && a.UserMention.User != nil && a.UserMention.User.Name == carolG.ID
	})
	if txt := gchatText(gCopy); !strings.Contains(txt, "alice") || !mentioned || !strings.Contains(gCopy.Text, "*hi*") {
		t.Fatalf("Google Chat copy lacks author, native mention or formatting: %q (annotations %d)", txt, len(gCopy.Annotations))
	}
	var wCopy webexMessage
	w.poll("Slack → Webex", func() bool {
		for _, m := range w.webexMessages(grace, room) {
			if strings.Contains(m.Text, mark) || strings.Contains(m.Markdown, mark) {
				wCopy = m
				return true
			}
		}
		return false
	})
	if !strings.Contains(wCopy.Markdown+wCopy.Text, "alice") || !slices.Contains(wCopy.MentionedPeople, carolW.ID) || !strings.Contains(wCopy.Markdown, "**hi**") {
		t.Fatalf("Webex copy lacks author, native mention or formatting: %+v", wCopy)
	}

	// Slack → Teams, read through Graph as a Teams person.
	tten := w.pl.Teams.Tenants[0]
	team := tten.Teams[0]
	tch := team.Channels[len(team.Channels)-1].ID
	judy := person(tten.Users, "judy")
	teamsPath := "teams/" + url.PathEscape(team.ID) + "/channels/" + url.PathEscape(tch) + "/messages"
	carolT := person(tten.Users, "carol")
	w.poll("Slack → Teams", func() bool {
		raw := string(w.graph(judy, http.MethodGet, teamsPath, nil))
		return strings.Contains(raw, mark) && strings.Contains(raw, "alice")
	})
	// The card mentions Carol the Teams way: <at> text and an msteams
	// entity naming her account.
	if !teamsCardMentions(t, w.graph(judy, http.MethodGet, teamsPath, nil), mark, carolT.ID) {
		t.Fatalf("the Teams copy has no native mention of Carol (%s)", carolT.ID)
	}

	// A reply in Teams, on the copy, lands in the Slack thread.
	var list struct {
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(w.graph(judy, http.MethodGet, teamsPath, nil), &list); err != nil {
		t.Fatal(err)
	}
	tCopy := ""
	for _, raw := range list.Value {
		var m struct {
			ID string `json:"id"`
		}
		if strings.Contains(string(raw), mark) && json.Unmarshal(raw, &m) == nil {
			tCopy = m.ID
		}
	}
	treply := "teams-reply-" + randomHex(4)
	w.graph(judy, http.MethodPost, teamsPath+"/"+url.PathEscape(tCopy)+"/replies", map[string]any{"body": map[string]string{"contentType": "html", "content": treply}})
	w.await(acme, acmeCh, "Teams reply in the Slack thread", func(msgs []slack.Message) bool {
		m := find(msgs, treply)
		return m != nil && m.ThreadTimestamp == ts && strings.Contains(m.Username, "judy")
	})
	// Alice's edit reaches the Teams copy.
	tedit := mark + " edited-for-teams"
	if _, _, _, err := w.api(alice).UpdateMessage(acmeCh, ts, slack.MsgOptionText(fmt.Sprintf("%s *hi* <@%s>", tedit, carolS.ID), false)); err != nil {
		t.Fatal(err)
	}
	w.poll("Slack edit → Teams", func() bool {
		return strings.Contains(string(w.graph(judy, http.MethodGet, teamsPath+"/"+url.PathEscape(tCopy), nil)), "edited-for-teams")
	})

	// Teams → Slack, Google Chat and Webex.
	tmark := "teams-" + randomHex(4)
	w.graph(judy, http.MethodPost, teamsPath, map[string]any{"body": map[string]string{"contentType": "html", "content": "<p>" + tmark + " from <strong>judy</strong></p>"}})
	w.await(acme, acmeCh, "Teams → Slack", func(msgs []slack.Message) bool {
		m := find(msgs, tmark)
		return m != nil && strings.Contains(m.Username, "judy") && strings.Contains(m.Text, "*judy*")
	})
	w.poll("Teams → Google Chat", func() bool {
		return slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool { return strings.Contains(m.Text, tmark) })
	})
	w.poll("Teams → Webex", func() bool {
		return slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, tmark) })
	})

	// A thread reply on Google Chat lands in the Slack thread.
	reply := "gchat-reply-" + randomHex(4)
	if _, err := w.gchatAs(frank).Spaces.Messages.Create(space, &chat.Message{Text: reply, Thread: gCopy.Thread}).
		MessageReplyOption("REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD").Do(); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "Google Chat reply in the Slack thread", func(msgs []slack.Message) bool {
		m := find(msgs, reply)
		return m != nil && m.ThreadTimestamp == ts && strings.Contains(m.Username, "frank")
	})

	// A reaction on Google Chat shows on the Slack original.
	if _, err := w.gchatAs(frank).Spaces.Messages.Reactions.Create(gCopy.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "🎉"}}).Do(); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "Google Chat reaction → Slack", func(msgs []slack.Message) bool {
		m := find(msgs, tedit)
		return m != nil && slices.ContainsFunc(m.Reactions, func(r slack.ItemReaction) bool { return r.Name == "tada" })
	})

	// A file from Slack arrives on Webex and Google Chat with the same bytes.
	content := make([]byte, 64<<10)
	for i := range content {
		content[i] = byte(i * 7)
	}
	fnote := "file-" + randomHex(4)
	if _, err := w.api(alice).UploadFileContext(context.Background(), slack.UploadFileParameters{
		Reader: strings.NewReader(string(content)), FileSize: len(content), Filename: "plan.bin", Channel: acmeCh, InitialComment: fnote,
	}); err != nil {
		t.Fatal(err)
	}
	var fileURL string
	w.poll("Slack file → Webex", func() bool {
		for _, m := range w.webexMessages(grace, room) {
			if strings.Contains(m.Text+m.Markdown, fnote) && len(m.Files) == 1 {
				fileURL = m.Files[0]
				return true
			}
		}
		return false
	})
	req, _ := http.NewRequest(http.MethodGet, fileURL, nil)
	req.Header.Set("Authorization", "Bearer "+grace.Token)
	resp, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != string(content) {
		t.Fatalf("Webex file differs: %d bytes, want %d", len(got), len(content))
	}
	var gFile *chat.Message
	w.poll("Slack file → Google Chat", func() bool {
		for _, m := range w.gchatMessages(frank, space) {
			if strings.Contains(m.Text, fnote) && len(m.Attachment) == 1 {
				gFile = m
				return true
			}
		}
		return false
	})
	dl, err := w.gchatAs(frank).Media.Download(gFile.Attachment[0].AttachmentDataRef.ResourceName).Download()
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(dl.Body)
	dl.Body.Close()
	if string(got) != string(content) {
		t.Fatalf("Google Chat file differs: %d bytes, want %d", len(got), len(content))
	}

	// Webex → Slack and Google Chat, then an edit and a delete there.
	wmark := "webex-" + randomHex(4)
	var posted webexMessage
	w.webexCall(grace, http.MethodPost, "messages", map[string]string{"roomId": room, "markdown": wmark + " from **grace**"}, &posted)
	w.await(globex, globexCh, "Webex → Slack", func(msgs []slack.Message) bool {
		m := find(msgs, wmark)
		return m != nil && strings.Contains(m.Username, "grace") && strings.Contains(m.Text, "*grace*")
	})
	w.poll("Webex → Google Chat", func() bool {
		return slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool { return strings.Contains(m.Text, wmark) })
	})
	edited := wmark + "-edited"
	w.webexCall(grace, http.MethodPut, "messages/"+url.PathEscape(posted.ID), map[string]string{"roomId": room, "markdown": edited}, nil)
	w.await(globex, globexCh, "Webex edit → Slack", func(msgs []slack.Message) bool { return find(msgs, edited) != nil })
	w.webexCall(grace, http.MethodDelete, "messages/"+url.PathEscape(posted.ID), nil, nil)
	w.await(globex, globexCh, "Webex delete → Slack", func(msgs []slack.Message) bool { return find(msgs, wmark) == nil })

	// A reaction in Teams shows on the Slack original.
	w.graph(judy, http.MethodPost, teamsPath+"/"+url.PathEscape(tCopy)+"/setReaction", map[string]string{"reactionType": "like"})
	w.await(acme, acmeCh, "Teams reaction → Slack", func(msgs []slack.Message) bool {
		m := find(msgs, tedit)
		return m != nil && slices.ContainsFunc(m.Reactions, func(r slack.ItemReaction) bool { return r.Name == "thumbsup" || r.Name == "+1" })
	})

	// Google Chat → everyone else.
	gmark := "gchat-" + randomHex(4)
	if _, err := w.gchatAs(frank).Spaces.Messages.Create(space, &chat.Message{Text: gmark}).Do(); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "Google Chat → Slack", func(msgs []slack.Message) bool {
		m := find(msgs, gmark)
		return m != nil && strings.Contains(m.Username, "frank")
	})
	w.poll("Google Chat → Webex", func() bool {
		return slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, gmark) })
	})

	// Alice deletes her message: every copy goes.
	if _, _, err := w.api(alice).DeleteMessage(acmeCh, ts); err != nil {
		t.Fatal(err)
	}
	w.poll("Slack delete → Teams", func() bool {
		var m struct {
			Deleted *string `json:"deletedDateTime"`
		}
		_ = json.Unmarshal(w.graph(judy, http.MethodGet, teamsPath+"/"+url.PathEscape(tCopy), nil), &m)
		return m.Deleted != nil && *m.Deleted != ""
	})
	w.poll("Slack delete → Google Chat", func() bool {
		return !slices.ContainsFunc(w.gchatMessages(frank, space), func(m *chat.Message) bool { return strings.Contains(m.Text, mark) })
	})
	w.poll("Slack delete → Webex", func() bool {
		return !slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Text+m.Markdown, mark) })
	})
}
