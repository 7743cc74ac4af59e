package richtext

import "testing"

func txt(s string) Node { return Node{Kind: Text, Text: s} }

func TestRenderPlain(t *testing.T) {
	cases := []struct {
		name string
		doc  Doc
		want string
	}{
		{"empty", Doc{}, ""},
		{"formatting drops markers", Doc{Nodes: []Node{
			{Kind: Bold, Children: []Node{txt("b")}}, txt(" "),
			{Kind: Italic, Children: []Node{txt("i")}}, txt(" "),
			{Kind: Strike, Children: []Node{txt("s")}}, txt(" "),
			{Kind: Code, Text: "*c*"},
		}}, "b i s *c*"},
		{"link with label", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io", Children: []Node{txt("docs")}}}}, "docs (https://x.io)"},
		{"link label equals url", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io", Children: []Node{txt("https://x.io")}}}}, "https://x.io"},
		{"link without label", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io"}}}, "https://x.io"},
		{"mailto shows address", Doc{Nodes: []Node{{Kind: Link, URL: "mailto:a@b.co", Children: []Node{txt("a@b.co")}}}}, "a@b.co"},
		{"mentions", Doc{Nodes: []Node{
			{Kind: UserMention, ID: "U1", Text: "Ann"}, txt(" "),
			{Kind: UserMention, ID: "U2"}, txt(" "),
			{Kind: ChannelMention, ID: "C1", Text: "general"}, txt(" "),
			{Kind: Broadcast, Text: "here"}, txt(" "),
			{Kind: Emoji, Text: "tada"},
		}}, "@Ann @U2 #general @here :tada:"},
		{"blocks", Doc{Nodes: []Node{
			txt("intro"),
			{Kind: Quote, Children: []Node{txt("q1"), {Kind: LineBreak}, txt("q2")}},
			{Kind: CodeBlock, Text: "a\n  b"},
			{Kind: List, Children: []Node{{Kind: ListItem, Children: []Node{txt("x")}}, {Kind: ListItem, Children: []Node{txt("y")}}}},
			{Kind: List, Ordered: true, Children: []Node{{Kind: ListItem, Children: []Node{txt("one")}}, {Kind: ListItem, Children: []Node{txt("two")}}}},
			txt("end"),
		}}, "intro\n> q1\n> q2\na\n  b\n• x\n• y\n1. one\n2. two\nend"},
		{"text is not escaped", Doc{Nodes: []Node{txt("a < b & c")}}, "a < b & c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := RenderPlain(tc.doc); got != tc.want {
				t.Errorf("RenderPlain = %q, want %q", got, tc.want)
			}
			if got := tc.doc.Len(); got != len(tc.want) {
				t.Errorf("Len = %d, want %d", got, len(tc.want))
			}
		})
	}
}

func TestPlain(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"one line", "a *b*", "Text \"a *b*\"\n"},
		{"lines", "a\nb", "Text \"a\"\nLineBreak\nText \"b\"\n"},
		{"crlf and blank line", "a\r\n\r\nb", "Text \"a\"\nLineBreak\nLineBreak\nText \"b\"\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Plain(tc.in)
			if got := dump(d); got != tc.want {
				t.Errorf("Plain(%q):\n%s\nwant\n%s", tc.in, got, tc.want)
			}
			// Literal text must reach Slack as literal text.
			if got := RenderMrkdwn(d); got != escapeEntities(normalizeNewlines(tc.in)) {
				t.Errorf("RenderMrkdwn(Plain(%q)) = %q", tc.in, got)
			}
		})
	}
}

func TestRenderMrkdwnForeignDocs(t *testing.T) {
	// Documents built from other platforms hold things no mrkdwn parse
	// yields; they must still render to something Slack reads sensibly.
	cases := []struct {
		name string
		doc  Doc
		want string
	}{
		{"mention without slack id", Doc{Nodes: []Node{{Kind: UserMention, Text: "Ann Lee"}}}, "@Ann Lee"},
		{"mention with foreign id", Doc{Nodes: []Node{{Kind: UserMention, ID: "29:1abc-def", Text: "Ann"}}}, "@Ann"},
		{"channel without id", Doc{Nodes: []Node{{Kind: ChannelMention, Text: "general"}}}, "#general"},
		{"link label with pipe and gt", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io/a|b", Children: []Node{txt("a|b>c")}}}}, "<https://x.io/a%7Cb|a|b&gt;c>"},
		{"link with formatted label", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.io", Children: []Node{{Kind: Bold, Children: []Node{txt("hi")}}}}}}, "<https://x.io|hi>"},
		{"link that is not a url", Doc{Nodes: []Node{{Kind: Link, URL: "example.com", Children: []Node{txt("site")}}}}, "site (example.com)"},
		{"bold with edge spaces", Doc{Nodes: []Node{txt("a"), {Kind: Bold, Children: []Node{txt(" b ")}}, txt("c")}}, "a *b* c"},
		{"empty bold", Doc{Nodes: []Node{{Kind: Bold}}}, ""},
		{"code with backtick", Doc{Nodes: []Node{{Kind: Code, Text: "a`b"}}}, "`a'b`"},
		{"fence inside code block", Doc{Nodes: []Node{{Kind: CodeBlock, Text: "x```y"}}}, "```\nx``'y\n```"},
		{"nested quote flattened", Doc{Nodes: []Node{{Kind: Quote, Children: []Node{{Kind: Quote, Children: []Node{txt("in")}}}}}}, "> in"},
		{"line break inside list item", Doc{Nodes: []Node{{Kind: List, Children: []Node{{Kind: ListItem, Children: []Node{txt("a"), {Kind: LineBreak}, txt("b")}}}}}}, "• a b"},
		{"unknown broadcast", Doc{Nodes: []Node{{Kind: Broadcast, Text: "all"}}}, "@all"},
		{"literal text escaped", Doc{Nodes: []Node{txt("<@U1> & co")}}, "&lt;@U1&gt; &amp; co"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := RenderMrkdwn(tc.doc); got != tc.want {
				t.Errorf("RenderMrkdwn = %q, want %q", got, tc.want)
			}
		})
	}
}
