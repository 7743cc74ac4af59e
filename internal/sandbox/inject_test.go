package sandbox

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	chat "google.golang.org/api/chat/v1"

	"parley/internal/richtext"
)

// attack is what a person types to page, ping or mislead another platform.
const attack = "<users/all> <users/123> <https://example.com|x> <!channel> @here"

// asShown is text as a reader sees it: the word joiners Parley puts between
// '<' or ':' and what follows (Google Chat has no escapes) are invisible.
func asShown(s string) string { return strings.ReplaceAll(s, "\u2060", "") }

// markdownEscape is a Markdown backslash escape (Webex, Teams cards): the
// reader sees the character alone.
var markdownEscape = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)

// activeMarkdown is a mention, autolink or inline link in Markdown whose
// escapes have been taken out.
var activeMarkdown = regexp.MustCompile(`(?i)<@|<at|<[a-z][a-z0-9+.-]*:|\]\(`)

// TestTypedMarkupStaysText: a person on each platform types the markup of
// every other platform's mentions, broadcasts and links; each destination
// shows exactly that text, and nobody is mentioned, paged or linked.
func TestTypedMarkupStaysText(t *testing.T) {
	w := startWorld(t)
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	gdom, wexOrg := w.pl.GChat.Domains[0], w.pl.Webex.Orgs[0]
	space, room := gdom.Spaces[0].Name, wexOrg.Rooms[0].ID
	tten := w.pl.Teams.Tenants[0]
	team := tten.Teams[0]
	teamsPath := "teams/" + url.PathEscape(team.ID) + "/channels/" + url.PathEscape(team.Channels[len(team.Channels)-1].ID) + "/messages"
	person := func(ps []Person, name string) Person {
		i := slices.IndexFunc(ps, func(p Person) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("no %s", name)
		}
		return ps[i]
	}
	alice, frank, grace, judy := w.person(acme, "alice"), person(gdom.Users, "frank"), person(wexOrg.Users, "grace"), person(tten.Users, "judy")

	// How each platform's client sends what its person typed.
	sources := []struct {
		platform string
		post     func(typed string)
	}{
		{"slack", func(typed string) {
			// Slack clients send &, < and > as entities.
			esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(typed)
			if _, _, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(esc, false)); err != nil {
				t.Fatal(err)
			}
		}},
		{"teams", func(typed string) {
			w.graph(judy, http.MethodPost, teamsPath, map[string]any{"body": map[string]string{"contentType": "html", "content": "<p>" + html.EscapeString(typed) + "</p>"}})
		}},
		{"gchat", func(typed string) {
			// Chat has no escapes: text that must not be a token goes out
			// with a word joiner after the '<', as Parley itself sends it.
			if _, err := w.gchatAs(frank).Spaces.Messages.Create(space, &chat.Message{Text: richtext.RenderGChat(richtext.Plain(typed))}).Do(); err != nil {
				t.Fatal(err)
			}
		}},
		{"webex", func(typed string) {
			w.webexCall(grace, http.MethodPost, "messages", map[string]string{"roomId": room, "markdown": richtext.RenderWebexMarkdown(richtext.Plain(typed))}, nil)
		}},
	}

	// What each destination shows for the message carrying mark, and
	// whether it found it; a check fails the test when the copy mentions,
	// pages or links anything.
	slackCopy := func(ws SlackWorkspace, ch, mark string) (string, bool) {
		msgs, err := w.history(w.reader(ws, 1), ch)
		if err != nil {
			return "", false
		}
		m := find(msgs, mark)
		if m == nil {
			return "", false
		}
		// Every '<' in mrkdwn opens a mention, broadcast or link token.
		if strings.Contains(m.Text, "<") {
			t.Fatalf("Slack copy in %s has a token: %q", ws.Name, m.Text)
		}
		return asShown(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(m.Text)), true
	}
	destinations := []struct {
		platform string
		read     func(mark string) (string, bool)
	}{
		{"slack", func(mark string) (string, bool) { return slackCopy(globex, globexCh, mark) }},
		{"slack", func(mark string) (string, bool) { return slackCopy(acme, acmeCh, mark) }},
		{"gchat", func(mark string) (string, bool) {
			for _, m := range w.gchatMessages(frank, space) {
				if !strings.Contains(m.Text, mark) {
					continue
				}
				if len(m.Annotations) > 0 || strings.Contains(m.FormattedText, "<users/") || strings.Contains(m.FormattedText, "<http") {
					t.Fatalf("Google Chat copy mentions or links: text %q, formatted %q, %d annotations", m.Text, m.FormattedText, len(m.Annotations))
				}
				return asShown(m.Text), true
			}
			return "", false
		}},
		{"webex", func(mark string) (string, bool) {
			for _, m := range w.webexMessages(grace, room) {
				if !strings.Contains(m.Text, mark) {
					continue
				}
				if len(m.MentionedPeople) > 0 || len(m.MentionedGroups) > 0 {
					t.Fatalf("Webex copy mentions %v %v: %q", m.MentionedPeople, m.MentionedGroups, m.Markdown)
				}
				if a := activeMarkdown.FindString(markdownEscape.ReplaceAllString(m.Markdown, "")); a != "" {
					t.Fatalf("Webex copy has %q in %q", a, m.Markdown)
				}
				// The text starts with the author's name in bold.
				_, body, _ := strings.Cut(asShown(m.Text), ": ")
				return body, true
			}
			return "", false
		}},
		{"teams", func(mark string) (string, bool) {
			var list struct {
				Value []struct {
					Attachments []struct {
						ContentType string `json:"contentType"`
						Content     string `json:"content"`
					} `json:"attachments"`
				} `json:"value"`
			}
			if err := json.Unmarshal(w.graph(judy, http.MethodGet, teamsPath, nil), &list); err != nil {
				t.Fatal(err)
			}
			for _, m := range list.Value {
				for _, a := range m.Attachments {
					if !strings.Contains(a.ContentType, "adaptive") || !strings.Contains(a.Content, mark) {
						continue
					}
					var card struct {
						MSTeams struct {
							Entities []json.RawMessage `json:"entities"`
						} `json:"msteams"`
					}
					var doc any
					if json.Unmarshal([]byte(a.Content), &card) != nil || json.Unmarshal([]byte(a.Content), &doc) != nil {
						t.Fatalf("Teams card is not JSON: %s", a.Content)
					}
					if len(card.MSTeams.Entities) > 0 {
						t.Fatalf("Teams copy mentions: %s", a.Content)
					}
					for _, text := range cardTexts(doc) {
						if !strings.Contains(text, mark) {
							continue
						}
						if a := activeMarkdown.FindString(markdownEscape.ReplaceAllString(text, "")); a != "" {
							t.Fatalf("Teams copy has %q in %q", a, text)
						}
						return asShown(markdownEscape.ReplaceAllString(text, "$1")), true
					}
				}
			}
			return "", false
		}},
	}

	for _, src := range sources {
		mark := "typed-" + src.platform + "-" + randomHex(4)
		typed := mark + " " + attack
		src.post(typed)
		for _, dst := range destinations {
			if dst.platform == src.platform && src.platform != "slack" {
				continue
			}
			var got string
			w.poll(src.platform+" → "+dst.platform, func() bool {
				var ok bool
				got, ok = dst.read(mark)
				return ok
			})
			if got != typed {
				t.Errorf("%s → %s shows %q, want %q", src.platform, dst.platform, got, typed)
			}
		}
	}
}
