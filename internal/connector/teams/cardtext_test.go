package teams

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/richtext"
)

func TestRenderCardText(t *testing.T) {
	text := func(s string) richtext.Node { return richtext.Node{Kind: richtext.Text, Text: s} }
	tests := []struct {
		name     string
		nodes    []richtext.Node
		want     string
		mentions []richtext.TeamsMention
	}{
		{"plain", []richtext.Node{text("hello")}, "hello", nil},
		{"markdown in text is escaped", []richtext.Node{text(`*not bold* _x_ [a](b) \`)}, `\*not bold\* \_x\_ \[a\](b) \\`, nil},
		{"forged mention tag is broken", []richtext.Node{text("<at>Boss</at>")}, "‹at>Boss‹/at>", nil},
		{"bold and italic keep spaces outside", []richtext.Node{text("a"), {Kind: richtext.Bold, Children: []richtext.Node{text(" b ")}},
			{Kind: richtext.Italic, Children: []richtext.Node{text("c")}}}, "a **b** _c_", nil},
		{"line break", []richtext.Node{text("a"), {Kind: richtext.LineBreak}, text("b")}, "a\n\nb", nil},
		{"link", []richtext.Node{{Kind: richtext.Link, URL: "https://x.example/a b", Children: []richtext.Node{text("x")}}}, "[x](https://x.example/a%20b)", nil},
		{"unsafe link shows its label", []richtext.Node{{Kind: richtext.Link, URL: "javascript:alert(1)", Children: []richtext.Node{text("x")}}}, "x", nil},
		{"mention", []richtext.Node{{Kind: richtext.UserMention, ID: "aad-1", Text: "Ann <Boss>"}}, "<at>Ann Boss</at>",
			[]richtext.TeamsMention{{ID: "aad-1", Name: "Ann Boss", Text: "<at>Ann Boss</at>"}}},
		{"mention without ID", []richtext.Node{{Kind: richtext.UserMention, Text: "Ann"}}, "@Ann", nil},
		{"broadcast is text", []richtext.Node{{Kind: richtext.Broadcast, Text: "channel"}}, "@channel", nil},
		{"list", []richtext.Node{{Kind: richtext.List, Children: []richtext.Node{
			{Kind: richtext.ListItem, Children: []richtext.Node{text("a")}}, {Kind: richtext.ListItem, Children: []richtext.Node{text("b")}}}}}, "- a\r- b", nil},
		{"emoji", []richtext.Node{{Kind: richtext.Emoji, Text: "tada"}, {Kind: richtext.Emoji, Text: "parrot"}}, "🎉:parrot:", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ms := renderCardText(richtext.Doc{Nodes: tt.nodes})
			if got != tt.want {
				t.Fatalf("text %q, want %q", got, tt.want)
			}
			if !slices.Equal(ms, tt.mentions) {
				t.Fatalf("mentions %+v, want %+v", ms, tt.mentions)
			}
		})
	}
}

// TestCardShowsAuthor: the card names the author in bold beside the
// avatar, carries the mention entities Teams needs, and the summary.
func TestCardShowsAuthor(t *testing.T) {
	cm := cardMessage{msg: connector.Message{
		Author: connectorAuthor("Ann *Star*", "https://avatars.example/ann.png"),
		Body:   richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.UserMention, ID: "aad-bob", Text: "Bob"}, {Kind: richtext.Text, Text: " hi"}}},
	}, footer: []string{"👍 2"}}
	act := cm.activity()
	b, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		`"style":"Person"`, `"url":"https://avatars.example/ann.png"`, `{"text":"Ann *Star*","type":"TextRun","weight":"Bolder"}`,
		`"text":"\u003cat\u003eBob\u003c/at\u003e hi"`, `"mentioned":{"id":"aad-bob","name":"Bob"}`, `"👍 2"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("card lacks %s:\n%s", want, s)
		}
	}
	if act.Summary != "Ann *Star*: @Bob hi" || len(act.Attachments) != 1 || act.Text != "" {
		t.Errorf("summary %q, %d attachments, text %q", act.Summary, len(act.Attachments), act.Text)
	}

	cm.msg.Author.Avatar = "http://insecure.example/a.png"
	if b, _ := json.Marshal(cm.activity()); strings.Contains(string(b), "insecure.example") {
		t.Error("a non-https avatar reached the card")
	}
}

// cardEscapedRE is a backslash escape, which card Markdown shows as the
// character itself.
var cardEscapedRE = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)

// cardActiveRE finds what card Markdown or Teams would read as a mention
// tag, a link or an autolink once escapes are taken out.
var cardActiveRE = regexp.MustCompile(`(?i)<at|\]\(|<[a-z][a-z0-9+.-]*:`)

// cardRawActiveRE is what Teams matches before Markdown escapes apply.
var cardRawActiveRE = regexp.MustCompile(`(?i)<at|<[a-z][a-z0-9+.-]*:`)

// checkCardInert fails if a body of text nodes renders to card text with
// anything Teams would read as a mention or a link.
func checkCardInert(t *testing.T, parts ...string) {
	t.Helper()
	var nodes []richtext.Node
	for i, p := range parts {
		n := richtext.Node{Kind: richtext.Text, Text: p}
		switch i % 4 {
		case 1:
			n = richtext.Node{Kind: richtext.Bold, Children: []richtext.Node{n}}
		case 2:
			n = richtext.Node{Kind: richtext.UserMention, Text: p} // no Teams ID: shown as text
		case 3:
			n = richtext.Node{Kind: richtext.Code, Text: p}
		}
		nodes = append(nodes, n)
	}
	out, ms := renderCardText(richtext.Doc{Nodes: nodes})
	if len(ms) > 0 {
		t.Fatalf("text rendered %d mentions: %q", len(ms), out)
	}
	if m := cardRawActiveRE.FindString(out); m != "" {
		t.Fatalf("text %q rendered as %q, which holds %q", parts, out, m)
	}
	if m := cardActiveRE.FindString(cardEscapedRE.ReplaceAllString(out, "")); m != "" {
		t.Fatalf("text %q rendered as %q, which reads %q as markup", parts, out, m)
	}
}

func TestCardTextNeverInjects(t *testing.T) {
	for _, s := range []string{
		"<users/all> <users/123> <https://example.com|x> <!channel> @here",
		"<at>Boss</at>", "<AT>x</AT>", "[x](https://evil.example)", "<https://evil.example>", "<mailto:a@b.example>",
	} {
		checkCardInert(t, s)
		for cut := 1; cut < len(s); cut++ {
			checkCardInert(t, s[:cut], s[cut:], s[:cut], s[cut:])
		}
	}
}

func FuzzCardTextNeverInjects(f *testing.F) {
	f.Add("<https://example.com|x>", "<at>", "[x](y)", "<users/all>")
	f.Fuzz(func(t *testing.T, a, b, c, d string) { checkCardInert(t, a, b, c, d) })
}
