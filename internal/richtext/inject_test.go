package richtext

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The injection property: a person's text is text on every platform. A
// document whose only "active" nodes (links, emoji) are known must render,
// in every dialect, to something that reads back — by the dialect's own
// parser and by a strict recogniser of the platform's live syntax — with
// no mention, broadcast or channel reference at all, and no more links or
// emoji shortcodes than the document holds as nodes.

// activeCounts counts the nodes that notify someone or point somewhere.
type activeCounts struct {
	mentions, broadcasts, channels, links, emoji int
}

func countActive(d Doc) activeCounts {
	var c activeCounts
	d.Walk(func(n *Node) {
		switch n.Kind {
		case UserMention:
			c.mentions++
		case Broadcast:
			c.broadcasts++
		case ChannelMention:
			c.channels++
		case Link:
			c.links++
		case Emoji:
			c.emoji++
		}
	})
	return c
}

// injectionDoc builds a document from a person's strings: plain text,
// emphasis, code, a quote, a list, a link label, the names of people and
// channels that have no ID on the destination, and an emoji name nobody
// knows. shape picks which of them appear, so the fuzzer explores
// neighbours too (text running into a label, a name into code).
func injectionDoc(a, b, c string, shape uint8) Doc {
	text := func(s string) Node { return Node{Kind: Text, Text: s} }
	nodes := []Node{text(a)}
	if shape&1 != 0 {
		nodes = append(nodes, Node{Kind: Bold, Children: []Node{text(b)}})
	}
	if shape&2 != 0 {
		nodes = append(nodes, Node{Kind: Code, Text: c})
	}
	if shape&4 != 0 {
		nodes = append(nodes, Node{Kind: Link, URL: "https://example.com/p", Children: []Node{text(b)}})
	}
	if shape&8 != 0 {
		nodes = append(nodes, Node{Kind: UserMention, Text: b}, text(c), Node{Kind: ChannelMention, Text: a})
	}
	if shape&16 != 0 {
		nodes = append(nodes, Node{Kind: Emoji, Text: c})
	}
	if shape&32 != 0 {
		nodes = append(nodes, Node{Kind: LineBreak}, Node{Kind: Italic, Children: []Node{text(c), Node{Kind: Strike, Children: []Node{text(a)}}}})
	}
	if shape&64 != 0 {
		nodes = append(nodes, Node{Kind: Quote, Children: []Node{text(b)}},
			Node{Kind: List, Children: []Node{{Kind: ListItem, Children: []Node{text(c)}}, {Kind: ListItem, Children: []Node{text(a)}}}})
	}
	if shape&128 != 0 {
		nodes = append(nodes, Node{Kind: CodeBlock, Text: a + "\n" + c}, text(b))
	}
	return Doc{Nodes: nodes}
}

// Strict recognisers of each platform's live syntax, applied to the raw
// rendering: they look for the start of a token anywhere, ignoring the
// finer rules (word boundaries, valid IDs) a platform may relax one day.
var (
	// Slack reads every unescaped '<' as the start of a token.
	slackTokenRE = regexp.MustCompile(`<`)
	// Chat reads <users/…> as a mention and <scheme:…> as a link, in
	// text and, to be safe, in code.
	gchatMentionRE = regexp.MustCompile(`<users/`)
	gchatLinkRE    = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9+.-]*:`)
	// A :shortcode: anywhere in shown text, with no word-boundary rule.
	shortcodeRE = regexp.MustCompile(`:[a-z0-9_+'-]+:(?::skin-tone-[a-z0-9_+'-]+:)?`)
	// Webex (CommonMark) after backslash escapes are taken out: mentions,
	// autolinks and inline links.
	webexEscapedRE      = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)
	webexMentionStartRE = regexp.MustCompile(`<@`)
	webexLinkRE         = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9+.-]*:|\]\(`)
)

// textShortcodes counts :shortcode: runs in the text nodes of a parsed
// document: what a reader sees as text must not turn into emoji.
func textShortcodes(d Doc) int {
	n := 0
	d.Walk(func(nd *Node) {
		if nd.Kind == Text {
			n += len(shortcodeRE.FindAllString(nd.Text, -1))
		}
	})
	return n
}

// withoutCodeSpans drops Markdown code spans and fences: a backtick run
// and the next run of the same length, with what lies between.
func withoutCodeSpans(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(s); {
			if s[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(s) && s[j+m] == '`' {
				m++
			}
			if m == n {
				end = j + m
				break
			}
			j += m
		}
		if end < 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		i = end
	}
	return b.String()
}

// checkNoInjection holds one dialect's rendering of src to the property.
func checkNoInjection(t *testing.T, dialect, out string, src, back activeCounts, extra map[string]int) {
	t.Helper()
	fail := func(what string, got, max int) {
		t.Helper()
		t.Fatalf("%s: %d %s in the rendering, the document has %d\noutput %q", dialect, got, what, max, out)
	}
	if back.mentions > 0 || back.broadcasts > 0 || back.channels > 0 {
		fail("mentions/broadcasts/channels (parsed)", back.mentions+back.broadcasts+back.channels, 0)
	}
	if back.links > src.links {
		fail("links (parsed)", back.links, src.links)
	}
	if back.emoji > src.emoji {
		fail("emoji (parsed)", back.emoji, src.emoji)
	}
	for what, n := range extra {
		max := 0
		switch what {
		case "links", "tokens":
			max = src.links
		case "emoji":
			max = src.emoji
		}
		if n > max {
			fail(what+" (strict)", n, max)
		}
	}
}

// checkAllDialects renders d in every dialect and checks each.
func checkAllDialects(t *testing.T, d Doc) {
	t.Helper()
	src := countActive(d)

	// Slack mrkdwn: every raw '<' starts a token; shown text holds no
	// :shortcode:.
	m := RenderMrkdwn(d)
	pm := ParseMrkdwn(m)
	checkNoInjection(t, "mrkdwn", m, src, countActive(pm), map[string]int{
		"tokens": len(slackTokenRE.FindAllString(m, -1)),
		"emoji":  textShortcodes(pm) + countActive(pm).emoji,
	})

	// Google Chat text.
	g := RenderGChat(d)
	pg := ParseGChat(g)
	checkNoInjection(t, "gchat", g, src, countActive(pg), map[string]int{
		"mentions": len(gchatMentionRE.FindAllString(g, -1)),
		"links":    len(gchatLinkRE.FindAllString(g, -1)),
		"emoji":    textShortcodes(pg) + countActive(pg).emoji,
	})

	// Webex markdown.
	w := RenderWebexMarkdown(d)
	pw := ParseWebexMarkdown(w)
	unescaped := webexEscapedRE.ReplaceAllString(w, "")
	checkNoInjection(t, "webex", w, src, countActive(pw), map[string]int{
		// Mentions are looked for in code too; links only outside it.
		"mentions": len(webexMentionStartRE.FindAllString(unescaped, -1)),
		"links":    len(webexLinkRE.FindAllString(withoutCodeSpans(unescaped), -1)),
	})

	// Teams HTML: the tags that notify or link.
	h, ms := RenderTeamsHTML(d)
	ph := ParseTeamsHTML(h, ms...)
	ats, as := 0, 0
	z := html.NewTokenizer(strings.NewReader(h))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			switch name, _ := z.TagName(); string(name) {
			case "at":
				ats++
			case "a":
				as++
			}
		}
	}
	checkNoInjection(t, "teams", h, src, countActive(ph), map[string]int{
		"mentions": ats + len(ms),
		"links":    as,
	})
}

// injectionSeeds are the strings an attacker types first.
var injectionSeeds = []string{
	"<users/all> <users/123> <https://example.com|x> <!channel> @here",
	"<users/all>", "<users/123>", "<https://evil.example|innocent>", "<!channel>", "<!here|here>",
	"@here", "@channel", "<@U123>", "<#C123|general>", "<!subteam^S1|team>",
	":smile:", "a:smile:b", ":thumbsup::skin-tone-2:", "10:30:45",
	"[x](https://evil.example)", "<https://evil.example>", "<b>bold</b>", "<at>Boss</at>", "<a href=\"https://evil.example\">x</a>",
	"<@personId:Y2lzY29zcGFyazovL3VzL1BFT1BMRS8x|Boss>", "<@personEmail:boss@example.com|Boss>", "<@all>",
	"&lt;users/all&gt;", "\\<users/all\\>", "<", ">", ":", "<users/", "all>", "https:",
}

func TestRenderNeverInjects(t *testing.T) {
	// Every shape for the full attack, a spread of shapes for the rest:
	// the fuzz target explores further.
	someShapes := []uint8{0, 1, 2, 4, 8, 16, 32, 64, 128, 255}
	for i, s := range injectionSeeds {
		shapes := someShapes
		if i == 0 {
			shapes = nil
			for shape := range 256 {
				shapes = append(shapes, uint8(shape))
			}
		}
		for _, shape := range shapes {
			d := injectionDoc(s, s, s, shape)
			t.Run("", func(t *testing.T) { checkAllDialects(t, d) })
			if t.Failed() {
				t.Fatalf("input %q shape %d", s, shape)
			}
		}
	}
	// Halves of a token in neighbouring nodes must not join up.
	for _, s := range injectionSeeds {
		for cut := 1; cut < len(s); cut++ {
			for _, shape := range someShapes[:6] {
				d := injectionDoc(s[:cut], s[cut:], s, shape)
				checkAllDialects(t, d)
				if t.Failed() {
					t.Fatalf("input %q cut %d shape %d", s, cut, shape)
				}
			}
		}
	}
}

func FuzzRenderNeverInjects(f *testing.F) {
	for i, s := range injectionSeeds {
		f.Add(s, injectionSeeds[(i+1)%len(injectionSeeds)], s, uint8(i*37))
	}
	f.Fuzz(func(t *testing.T, a, b, c string, shape uint8) {
		checkAllDialects(t, injectionDoc(a, b, c, shape))
	})
}
