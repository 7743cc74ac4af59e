package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestLongMessageInParts: a message longer than Webex allows arrives there
// in parts, in order, none cutting a mention or a code span; deleting it
// on Slack removes every part.
func TestLongMessageInParts(t *testing.T) {
	w := startWorld(t)
	acme := w.ws("acme")
	acmeCh := w.linked(acme)
	alice, carolS := w.person(acme, "alice"), w.person(acme, "carol")
	org := w.pl.Webex.Orgs[0]
	room := org.Rooms[0].ID
	grace := org.Users[slices.IndexFunc(org.Users, func(p Person) bool { return p.Name == "grace" })]
	carolW := org.Users[slices.IndexFunc(org.Users, func(p Person) bool { return p.Name == "carol" })]

	mark := "long-" + randomHex(4)
	var b strings.Builder
	b.WriteString(mark + " begins. ")
	for i := 0; b.Len() < 20000; i++ {
		fmt.Fprintf(&b, "Sentence %d with `code-%d` and <@%s> in it. ", i, i, carolS.ID)
	}
	b.WriteString("The end " + mark)
	if _, _, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(b.String(), false)); err != nil {
		t.Fatal(err)
	}
	var parts []webexMessage
	w.poll("every part reaches Webex", func() bool {
		parts = parts[:0]
		for _, m := range w.webexMessages(grace, room) {
			if strings.Contains(m.Markdown, "Sentence ") {
				parts = append(parts, m)
			}
		}
		return len(parts) >= 3 && slices.ContainsFunc(parts, func(m webexMessage) bool { return strings.Contains(m.Markdown, "The end "+mark) })
	})
	slices.Reverse(parts) // Webex lists newest first
	if !strings.Contains(parts[0].Markdown, mark+" begins") {
		t.Fatalf("the first part is not the beginning: %.80q", parts[0].Markdown)
	}
	for i, p := range parts {
		if n := len(p.Markdown); n > 7439 {
			t.Errorf("part %d is %d bytes, over Webex's 7,439", i, n)
		}
		if strings.Count(p.Markdown, "`")%2 != 0 {
			t.Errorf("part %d cuts a code span", i)
		}
		if !slices.Contains(p.MentionedPeople, carolW.ID) {
			t.Errorf("part %d lost the native mentions", i)
		}
	}

	// The original goes; so does every part.
	h, err := w.api(alice).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: acmeCh, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	orig := find(h.Messages, mark+" begins")
	if orig == nil {
		t.Fatal("original not found")
	}
	if _, _, err := w.api(alice).DeleteMessage(acmeCh, orig.Timestamp); err != nil {
		t.Fatal(err)
	}
	w.poll("every part deleted", func() bool {
		return !slices.ContainsFunc(w.webexMessages(grace, room), func(m webexMessage) bool { return strings.Contains(m.Markdown, "Sentence ") })
	})
}
