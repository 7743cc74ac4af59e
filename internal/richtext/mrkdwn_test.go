package richtext

import (
	"strings"
	"testing"
)

// parseCases pin the tricky corners of mrkdwn. want is the dump of the tree;
// mrk is the expected re-rendering, or empty when it equals the input.
var parseCases = []struct {
	name, in, want, mrk string
}{
	{name: "empty", in: "", want: ""},
	{name: "plain text", in: "just words", want: `Text "just words"` + "\n"},
	{name: "escape all three", in: "a &amp; b &lt; c &gt; d", want: `Text "a & b < c > d"` + "\n"},
	{name: "double escaped stays once decoded", in: "&amp;amp;", want: `Text "&amp;"` + "\n"},
	{name: "other entity literal", in: "&quot;x&quot;", want: `Text "&quot;x&quot;"` + "\n", mrk: "&amp;quot;x&amp;quot;"},
	{name: "raw angle literal", in: "a < b > c", want: `Text "a < b > c"` + "\n", mrk: "a &lt; b &gt; c"},
	{name: "bold", in: "*b*", want: "Bold\n  Text \"b\"\n"},
	{name: "bold italic nested", in: "*_bi_*", want: "Bold\n  Italic\n    Text \"bi\"\n"},
	{name: "italic bold nested", in: "_x *y* z_", want: "Italic\n  Text \"x \"\n  Bold\n    Text \"y\"\n  Text \" z\"\n"},
	{name: "crossing markers", in: "*a _b* c_", want: "Bold\n  Text \"a _b\"\nText \" c_\"\n"},
	{name: "snake case", in: "snake_case_name", want: `Text "snake_case_name"` + "\n"},
	{name: "multiplication", in: "2*3*4", want: `Text "2*3*4"` + "\n"},
	{name: "space after opener", in: "* not bold*", want: "List\n  ListItem\n    Text \"not bold*\"\n", mrk: "• not bold*"},
	{name: "space before closer", in: "a *not bold *", want: `Text "a *not bold *"` + "\n"},
	{name: "empty markers", in: "** __ ~~", want: `Text "** __ ~~"` + "\n"},
	{name: "triple star", in: "***", want: "Bold\n  Text \"*\"\n"},
	{name: "unterminated", in: "*open _half ~s", want: `Text "*open _half ~s"` + "\n"},
	{name: "bold across lines is not bold", in: "*a\nb*", want: "Text \"*a\"\nLineBreak\nText \"b*\"\n"},
	{name: "code keeps markers", in: "`*x* <@U1>`", want: `Code "*x* <@U1>"` + "\n", mrk: "`*x* &lt;@U1&gt;`"},
	{name: "code decodes entities", in: "`a &lt; b`", want: `Code "a < b"` + "\n"},
	{name: "unclosed backtick", in: "it`s", want: `Text "it` + "`" + `s"` + "\n"},
	{name: "url with underscores and stars", in: "<https://x.io/a_b*c*_d|x_y>", want: "Link url=\"https://x.io/a_b*c*_d\"\n  Text \"x_y\"\n"},
	{name: "url with ampersand", in: "<https://x.io/?a=1&amp;b=2>", want: `Link url="https://x.io/?a=1&b=2"` + "\n"},
	{name: "url label equal to url", in: "<https://x.io|https://x.io>", want: "Link url=\"https://x.io\"\n  Text \"https://x.io\"\n", mrk: "<https://x.io>"},
	{name: "mailto", in: "<mailto:a@b.co|a@b.co>", want: "Link url=\"mailto:a@b.co\"\n  Text \"a@b.co\"\n"},
	{name: "not a url token", in: "<foo bar>", want: `Text "<foo bar>"` + "\n", mrk: "&lt;foo bar&gt;"},
	{name: "user mention", in: "<@U1>", want: `UserMention id="U1"` + "\n"},
	{name: "user mention with name", in: "<@U1|bob>", want: `UserMention "bob" id="U1"` + "\n", mrk: "<@U1>"},
	{name: "channel mention with name", in: "<#C1|general>", want: `ChannelMention "general" id="C1"` + "\n", mrk: "<#C1>"},
	{name: "bad mention id", in: "<@ U1>", want: `Text "<@ U1>"` + "\n", mrk: "&lt;@ U1&gt;"},
	{name: "broadcast with label", in: "<!here|here>", want: `Broadcast "here"` + "\n", mrk: "<!here>"},
	{name: "subteam", in: "<!subteam^S1|@team>", want: `Text "@team"` + "\n", mrk: "@team"},
	{name: "date fallback", in: "<!date^1^{date}|today>!", want: `Text "today!"` + "\n", mrk: "today!"},
	{name: "unknown special", in: "<!foo>", want: `Text "<!foo>"` + "\n", mrk: "&lt;!foo&gt;"},
	{name: "date without fallback stays literal", in: "<!date^1>- x", want: `Text "<!date^1>- x"` + "\n", mrk: "&lt;!date^1&gt;- x"},
	{name: "label read as text starts a list", in: "<!date^1|- x>", want: "List\n  ListItem\n    Text \"x\"\n", mrk: "• x"},
	{name: "label read as text starts a quote", in: "<!date^1|&gt; x>", want: "Quote\n  Text \"x\"\n", mrk: "> x"},
	{name: "labels joined with text", in: "<!date^1|```>x<!date^1|```>", want: "CodeBlock \"x\"\n", mrk: "```\nx\n```"},
	{name: "special inside link label is literal", in: "<https://x.io|a<!here>>", want: "Text \"<https://x.io|a\"\nBroadcast \"here\"\nText \">\"\n", mrk: "&lt;https://x.io|a<!here>&gt;"},
	{name: "emoji", in: ":tada:", want: `Emoji "tada"` + "\n"},
	{name: "emoji skin tone", in: ":thumbsup::skin-tone-2:", want: `Emoji "thumbsup::skin-tone-2"` + "\n"},
	{name: "emoji inside italic", in: "_:tada:_", want: "Italic\n  Emoji \"tada\"\n"},
	{name: "time is not emoji", in: "10:30:45", want: `Text "10:30:45"` + "\n", mrk: "10:\u206030:\u206045"},
	{name: "url in text is not emoji", in: "http://x:80/", want: `Text "http://x:80/"` + "\n"},
	{name: "uppercase is not emoji", in: ":Tada:", want: `Text ":Tada:"` + "\n", mrk: ":Tada:\u2060"},
	{name: "crlf", in: "a\r\nb\rc", want: "Text \"a\"\nLineBreak\nText \"b\"\nLineBreak\nText \"c\"\n", mrk: "a\nb\nc"},
	{name: "blank lines", in: "a\n\nb", want: "Text \"a\"\nLineBreak\nLineBreak\nText \"b\"\n"},
	{name: "quote raw and encoded", in: "> a\n&gt; b", want: "Quote\n  Text \"a\"\n  LineBreak\n  Text \"b\"\n", mrk: "> a\n> b"},
	{name: "quotes do not nest", in: "> > a", want: "Quote\n  Text \"> a\"\n", mrk: "> &gt; a"},
	{name: "bold at line start is not a list", in: "*b* c", want: "Bold\n  Text \"b\"\nText \" c\"\n"},
	{name: "ordered list must count", in: "1. a\n3. c", want: "List ordered\n  ListItem\n    Text \"a\"\nText \"3. c\"\n"},
	{name: "inline fence", in: "```x```", want: `CodeBlock "x"` + "\n", mrk: "```\nx\n```"},
	{name: "fence content literal", in: "```*a* &lt;b&gt; <@U1>```", want: `CodeBlock "*a* <b> <@U1>"` + "\n", mrk: "```\n*a* &lt;b&gt; &lt;@U1&gt;\n```"},
	{name: "unclosed fence", in: "```x", want: "Text \"```x\"\n"},
}

func TestParseMrkdwn(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseMrkdwn(tc.in)
			if got := dump(d); got != tc.want {
				t.Errorf("ParseMrkdwn(%q):\ngot\n%s\nwant\n%s", tc.in, got, tc.want)
			}
			wantMrk := tc.mrk
			if wantMrk == "" {
				wantMrk = tc.in
			}
			if got := RenderMrkdwn(d); got != wantMrk {
				t.Errorf("RenderMrkdwn:\ngot  %q\nwant %q", got, wantMrk)
			}
		})
	}
}

// TestParsePathological feeds inputs that would take quadratic time or deep
// recursion in a naive scanner. At this size a quadratic parser runs for
// minutes, so the test fails by timing out rather than by a flaky clock.
func TestParsePathological(t *testing.T) {
	const n = 100_000
	cases := []struct{ name, in string }{
		{"unclosed angles", strings.Repeat("<", n)},
		{"unclosed angles then close", strings.Repeat("<a", n) + ">"},
		{"unclosed ticks", strings.Repeat("`", n) + strings.Repeat("a`", n)},
		{"colons", strings.Repeat(":a", n)},
		{"long emoji-like names", strings.Repeat(":"+strings.Repeat("a", 200), n/200)},
		{"openers only", strings.Repeat("*a _b ~c ", n)},
		{"alternating markers", strings.Repeat("*_~", n) + "x" + strings.Repeat("~_*", n)},
		{"unclosed fences", strings.Repeat("```a\n", n)},
		{"quote lines", strings.Repeat("> *a* _b_\n", n)},
		{"list lines", strings.Repeat("- a\n", n)},
		{"entities", strings.Repeat("&amp;", n)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseMrkdwn(tc.in)
			depth := 0
			var walk func(ns []Node, level int)
			walk = func(ns []Node, level int) {
				depth = max(depth, level)
				for _, c := range ns {
					walk(c.Children, level+1)
				}
			}
			walk(d.Nodes, 0)
			// Quote > List > ListItem > three markers > Link > Text.
			if depth > 8 {
				t.Errorf("tree depth %d, want at most 8", depth)
			}
			_ = RenderMrkdwn(d)
			_ = RenderPlain(d)
		})
	}
}
