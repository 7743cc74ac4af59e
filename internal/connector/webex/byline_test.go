package webex

import (
	"regexp"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// webexEscaped is a Markdown backslash escape: the character shows as
// itself and starts nothing.
var webexEscaped = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)

// webexActive is a mention, autolink or inline link, once escapes are out.
var webexActive = regexp.MustCompile(`<@|<[A-Za-z][A-Za-z0-9+.-]*:|\]\(`)

// checkBodyInert fails when the author's name or a plain-text body
// renders to Webex markdown that mentions or links anything.
func checkBodyInert(t *testing.T, name, text string) {
	t.Helper()
	out, err := body(connector.Message{Author: core.Author{Name: name}, Body: richtext.Plain(text)})
	if err != nil {
		return // over the size limit: nothing is sent
	}
	if m := webexActive.FindString(webexEscaped.ReplaceAllString(out, "")); m != "" {
		t.Fatalf("name %q, text %q: markdown %q holds %q", name, text, out, m)
	}
	d := richtext.ParseWebexMarkdown(out)
	d.Walk(func(n *richtext.Node) {
		switch n.Kind {
		case richtext.UserMention, richtext.Broadcast, richtext.Link, richtext.ChannelMention:
			t.Fatalf("name %q, text %q: markdown %q reads back with a %v node", name, text, out, n.Kind)
		}
	})
}

func TestBodyNameIsText(t *testing.T) {
	for _, s := range []string{"<@all>", "<@personEmail:boss@example.com|Boss>", "[x](https://evil.example)", "<https://evil.example>"} {
		checkBodyInert(t, s, s)
	}
}

func FuzzBodyNameIsText(f *testing.F) {
	f.Add("<@all>", "[x](https://example.com)")
	f.Fuzz(checkBodyInert)
}
