package richtext

import (
	"slices"
	"strings"
	"testing"
)

var teamsParseCases = []struct {
	name     string
	in       string
	mentions []TeamsMention
	want     string // dump of the tree
}{
	{"graph mention by index", `<at id="1">Bob</at> hi`, []TeamsMention{{ID: "a", Name: "Ann"}, {ID: "b", Name: "Bob"}},
		"UserMention \"Bob\" id=\"b\"\nText \" hi\"\n"},
	{"bot framework mention by name", `hi <at>Ann</at>`, []TeamsMention{{ID: "b", Name: "Bob"}, {ID: "a", Name: "Ann"}},
		"Text \"hi \"\nUserMention \"Ann\" id=\"a\"\n"},
	{"same name twice", `<at>Ann</at> <at>Ann</at>`, []TeamsMention{{ID: "a1", Name: "Ann"}, {ID: "a2", Name: "Ann"}},
		"UserMention \"Ann\" id=\"a1\"\nText \" \"\nUserMention \"Ann\" id=\"a2\"\n"},
	{"short mention text", `hi <at>Ann</at>`, []TeamsMention{{ID: "a", Name: "Ann Example", Text: "<at>Ann</at>"}},
		"Text \"hi \"\nUserMention \"Ann\" id=\"a\"\n"},
	{"index out of range reads as name", `<at id="9">Zed</at>`, nil, "Text \"Zed\"\n"},
	{"unsafe link keeps its label", `<a href="data:text/html,x">label</a>`, nil, "Text \"label\"\n"},
	{"uppercase scheme", `<a href="HTTPS://x.example">x</a>`, nil, "Link url=\"HTTPS://x.example\"\n  Text \"x\"\n"},
	{"legacy emoji id", `<emoji id="smile"></emoji>`, nil, "Emoji \"smile\"\n"},
	{"picture is dropped", `see <img src="https://graph.example/hosted">`, nil, "Text \"see\"\n"},
	{"unterminated tag", `a <b`, nil, "Text \"a\"\n"},
	{"attribute without value", `<a href>x</a>`, nil, "Text \"x\"\n"},
	{"deep nesting", strings.Repeat("<span>", 200) + "x", nil, "Text \"x\"\n"},
	{"li outside a list", `<li>alone</li>`, nil, "List\n  ListItem\n    Text \"alone\"\n"},
}

func TestParseTeamsHTML(t *testing.T) {
	for _, tc := range teamsParseCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := dump(ParseTeamsHTML(tc.in, tc.mentions...)); got != tc.want {
				t.Fatalf("tree:\ngot\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestRenderTeamsHTML(t *testing.T) {
	tests := []struct {
		name     string
		doc      Doc
		want     string
		mentions []TeamsMention
	}{
		{"escapes text", Doc{Nodes: []Node{{Kind: Text, Text: `<script>&"'`}}}, "&lt;script&gt;&amp;&#34;&#39;", nil},
		{"mention with ID", Doc{Nodes: []Node{{Kind: UserMention, ID: "29:x", Text: "A<b>"}}},
			"<at>A&lt;b&gt;</at>", []TeamsMention{{ID: "29:x", Name: "A<b>", Text: "<at>A&lt;b&gt;</at>"}}},
		{"mention without ID is text", Doc{Nodes: []Node{{Kind: UserMention, Text: "Ann"}}}, "@Ann", nil},
		{"broadcast never pages", Doc{Nodes: []Node{{Kind: Broadcast, Text: "here"}}}, "@here", nil},
		{"channel mention", Doc{Nodes: []Node{{Kind: ChannelMention, ID: "C1", Text: "general"}}}, "#general", nil},
		{"unsafe link", Doc{Nodes: []Node{{Kind: Link, URL: "javascript:x", Children: []Node{{Kind: Text, Text: "go"}}}}}, "go", nil},
		{"bare link", Doc{Nodes: []Node{{Kind: Link, URL: "https://x.example/?a=1&b=2"}}},
			`<a href="https://x.example/?a=1&amp;b=2">https://x.example/?a=1&amp;b=2</a>`, nil},
		{"unknown emoji", Doc{Nodes: []Node{{Kind: Emoji, Text: "partyparrot"}}}, ":partyparrot:", nil},
		{"known emoji", Doc{Nodes: []Node{{Kind: Emoji, Text: "white_check_mark"}}}, "✅", nil},
		{"quote in list item is flat", Doc{Nodes: []Node{{Kind: List, Children: []Node{{Kind: ListItem, Children: []Node{
			{Kind: Quote, Children: []Node{{Kind: Text, Text: "q"}}}}}}}}}, "<ul><li>q</li></ul>", nil},
		{"code block with leading newline", Doc{Nodes: []Node{{Kind: CodeBlock, Text: "\nx"}}}, "<pre>\n\nx</pre>", nil},
		{"hostile language", Doc{Nodes: []Node{{Kind: CodeBlock, Text: "x", Lang: `go"><script>`}}},
			`<pre><code class="language-goscript">x</code></pre>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ms := RenderTeamsHTML(tt.doc)
			if got != tt.want {
				t.Fatalf("html %q, want %q", got, tt.want)
			}
			if !slices.Equal(ms, tt.mentions) {
				t.Fatalf("mentions %+v, want %+v", ms, tt.mentions)
			}
		})
	}
}

func TestTeamsEmojiName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"like", "thumbsup"}, {"👍", "thumbsup"}, {"❤️", "heart"}, {"❤", "heart"},
		{"laugh", "laughing"}, {"🎉", "tada"}, {"🦄", "🦄"}, {"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := TeamsEmojiName(tt.in); got != tt.want {
				t.Fatalf("TeamsEmojiName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestTeamsSpanMention: Teams' text/html copy of a person's message marks
// mentions as itemtype Mention spans whose itemid indexes the entities.
func TestTeamsSpanMention(t *testing.T) {
	html := `<p>hi <span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">Carol</span> and <span itemtype="http://schema.skype.com/Mention" itemid="1">Dan</span></p>`
	d := ParseTeamsHTML(html,
		TeamsMention{ID: "29:carol", Name: "Carol Chen", Text: "<at>Carol</at>"},
		TeamsMention{ID: "29:dan", Name: "Dan", Text: "<at>Dan</at>"})
	var got []string
	d.Walk(func(n *Node) {
		if n.Kind == UserMention {
			got = append(got, n.ID+"="+n.Text)
		}
	})
	if len(got) != 2 || got[0] != "29:carol=Carol" || got[1] != "29:dan=Dan" {
		t.Fatalf("mentions = %v", got)
	}
	// Without entities the name stays as text.
	if p := RenderPlain(ParseTeamsHTML(`<span itemtype="http://schema.skype.com/Mention" itemid="0">Carol</span>`)); p != "Carol" {
		t.Fatalf("plain = %q", p)
	}
}
