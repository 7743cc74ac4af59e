package gchat

import (
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// checkBylineInert fails when a display name or a body of plain text
// reads back from the byline Chat gets as a mention, broadcast or link.
func checkBylineInert(t *testing.T, name, text string) {
	t.Helper()
	out := bylineText(connector.Message{Author: core.Author{Name: name}, Body: richtext.Plain(text)})
	if strings.Contains(out, "<users/") {
		t.Fatalf("name %q, text %q: byline %q holds a mention token", name, text, out)
	}
	d := richtext.ParseGChat(out)
	d.Walk(func(n *richtext.Node) {
		switch n.Kind {
		case richtext.UserMention, richtext.Broadcast, richtext.Link, richtext.ChannelMention:
			t.Fatalf("name %q, text %q: byline %q reads back with a %v node", name, text, out, n.Kind)
		}
	})
}

func TestBylineNameIsText(t *testing.T) {
	for _, s := range []string{"<users/all>", "<users/123>", "<https://evil.example|innocent>", "*x* <users/all"} {
		checkBylineInert(t, s, s)
		checkBylineInert(t, s, "")
	}
}

func FuzzBylineNameIsText(f *testing.F) {
	f.Add("<users/all>", "<https://example.com|x>")
	f.Fuzz(checkBylineInert)
}
