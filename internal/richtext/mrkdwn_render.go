package richtext

import (
	"strconv"
	"strings"
	"unicode"
)

// isBlock reports whether a node takes whole lines. Between a block and any
// neighbour the renderers write one newline, which is the newline the parser
// treats as part of the block.
func isBlock(n Node) bool {
	switch n.Kind {
	case CodeBlock, Quote, List, ListItem:
		return true
	}
	return false
}

func renderMrkdwnBlocks(b *strings.Builder, nodes []Node) {
	for i, n := range nodes {
		if i > 0 && (isBlock(n) || isBlock(nodes[i-1])) {
			b.WriteByte('\n')
		}
		if isBlock(n) {
			renderMrkdwnBlock(b, n)
		} else {
			renderMrkdwnInline(b, n, false)
		}
	}
}

func renderMrkdwnBlock(b *strings.Builder, n Node) {
	switch n.Kind {
	case CodeBlock:
		b.WriteString(fence + "\n")
		b.WriteString(escapeEntities(safeFenceContent(n.Text)))
		b.WriteString("\n" + fence)
	case Quote:
		var inner strings.Builder
		renderMrkdwnBlocks(&inner, flattenQuotes(n.Children))
		prefixLines(b, inner.String(), ">", "> ")
	case List:
		for i, item := range n.Children {
			if i > 0 {
				b.WriteByte('\n')
			}
			writeListMarker(b, n.Ordered, i)
			renderMrkdwnItem(b, item)
		}
	case ListItem:
		writeListMarker(b, false, 0)
		renderMrkdwnItem(b, n)
	}
}

// renderMrkdwnItem writes a list item on one line: a line break or a block
// inside it would end the item on re-reading.
func renderMrkdwnItem(b *strings.Builder, item Node) {
	if item.Kind != ListItem {
		renderMrkdwnInline(b, item, true)
		return
	}
	for _, c := range item.Children {
		renderMrkdwnInline(b, c, true)
	}
}

// flattenQuotes replaces quotes inside a quote by their content, since
// Slack cannot nest them.
func flattenQuotes(nodes []Node) []Node {
	var out []Node
	for _, n := range nodes {
		if n.Kind == Quote {
			out = append(out, flattenQuotes(n.Children)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

// renderMrkdwnInline writes an inline node. flat is set where the output
// must stay on one line (list items); there line breaks become spaces.
func renderMrkdwnInline(b *strings.Builder, n Node, flat bool) {
	switch n.Kind {
	case Text:
		b.WriteString(mrkdwnText(n.Text))
	case Bold, Italic, Strike:
		var inner strings.Builder
		for _, c := range n.Children {
			renderMrkdwnInline(&inner, c, flat)
		}
		writeWrapped(b, inner.String(), markerChar(n.Kind))
	case Code, CodeBlock:
		code := strings.ReplaceAll(n.Text, "`", "'")
		code = strings.ReplaceAll(code, "\n", " ")
		if code != "" {
			b.WriteString("`" + escapeEntities(code) + "`")
		}
	case Link:
		renderMrkdwnLink(b, n)
	case UserMention:
		renderMention(b, "<@", "@", n)
	case ChannelMention:
		renderMention(b, "<#", "#", n)
	case Broadcast:
		switch n.Text {
		case "here", "channel", "everyone":
			b.WriteString("<!" + n.Text + ">")
		default:
			if n.Text != "" {
				b.WriteString("@" + mrkdwnText(n.Text))
			}
		}
	case Emoji:
		if isEmojiName(n.Text) {
			b.WriteString(":" + n.Text + ":")
		} else if n.Text != "" {
			b.WriteString(mrkdwnText(":" + n.Text + ":"))
		}
	case LineBreak:
		if flat {
			b.WriteByte(' ')
		} else {
			b.WriteByte('\n')
		}
	case Quote, List, ListItem:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteByte(' ')
			}
			renderMrkdwnInline(b, c, flat)
		}
	}
}

// writeWrapped puts markers around inner. Spaces at its edges go outside the
// markers, because Slack ignores a marker next to a space.
func writeWrapped(b *strings.Builder, inner string, mark byte) {
	core := strings.TrimLeftFunc(inner, unicode.IsSpace)
	lead := inner[:len(inner)-len(core)]
	core = strings.TrimRightFunc(core, unicode.IsSpace)
	trail := inner[len(lead)+len(core):]
	b.WriteString(lead)
	if core != "" {
		b.WriteByte(mark)
		b.WriteString(core)
		b.WriteByte(mark)
	}
	b.WriteString(trail)
}

func markerChar(k Kind) byte {
	for _, m := range markers {
		if m.kind == k {
			return m.char
		}
	}
	return 0
}

// renderMrkdwnLink writes <url|label>. The label is plain text: '|' in it is
// safe because the token splits at the first '|', and '>' is escaped. A URL
// that Slack would not read as a link is written as readable text instead.
func renderMrkdwnLink(b *strings.Builder, n Node) {
	label := strings.ReplaceAll(plainInline(n.Children), "\n", " ")
	url := strings.NewReplacer("|", "%7C", "\n", "%0A", " ", "%20").Replace(n.URL)
	if !isURL(url) {
		b.WriteString(mrkdwnText(linkPlain(label, n.URL)))
		return
	}
	b.WriteString("<" + escapeEntities(url))
	if label != "" && label != n.URL {
		b.WriteString("|" + mrkdwnText(label))
	}
	b.WriteString(">")
}

// renderMention writes a Slack mention token, or readable "@Name" text when
// the ID is not a Slack one (an unmapped user from another platform).
func renderMention(b *strings.Builder, token, sigil string, n Node) {
	switch {
	case isSlackID(n.ID):
		b.WriteString(token + n.ID + ">")
	case n.Text != "":
		b.WriteString(mrkdwnText(sigil + n.Text))
	case n.ID != "":
		b.WriteString(mrkdwnText(sigil + n.ID))
	}
}

func writeListMarker(b *strings.Builder, ordered bool, i int) {
	if ordered {
		b.WriteString(strconv.Itoa(i+1) + ". ")
	} else {
		b.WriteString("• ")
	}
}

// prefixLines writes every line of s with prefix, or with bare for an empty
// line so no trailing space is produced.
func prefixLines(b *strings.Builder, s, bare, prefix string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if line == "" {
			b.WriteString(bare)
		} else {
			b.WriteString(prefix + line)
		}
	}
}

// safeFenceContent breaks any ``` inside code, which mrkdwn cannot escape
// and which would otherwise end the block early. Parsed text never holds
// one; this guards documents built from other platforms.
func safeFenceContent(s string) string {
	return strings.ReplaceAll(s, fence, "``'")
}
