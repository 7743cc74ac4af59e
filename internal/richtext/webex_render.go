package richtext

import (
	"strconv"
	"strings"
)

// normalizeWebex merges neighbours that Webex markdown cannot keep apart
// on re-reading: adjacent lists of the same type, adjacent quotes, and
// adjacent inline containers of the same kind.
func normalizeWebex(nodes []Node) []Node {
	var out []Node
	for _, n := range nodes {
		if len(n.Children) > 0 {
			n.Children = normalizeWebex(n.Children)
		}
		if k := len(out); k > 0 {
			prev := &out[k-1]
			same := prev.Kind == n.Kind
			switch {
			case same && n.Kind == List && prev.Ordered == n.Ordered,
				same && n.Kind == Quote,
				same && (n.Kind == Bold || n.Kind == Italic || n.Kind == Strike):
				prev.Children = normalizeWebex(append(append([]Node(nil), prev.Children...), n.Children...))
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

func renderWebexBlocks(b *strings.Builder, nodes []Node) {
	var run []Node // inline nodes waiting to be written
	flush := func() {
		if len(run) > 0 {
			b.WriteString(renderWebexLine(run, allInline))
			run = nil
		}
	}
	for i, n := range nodes {
		if i > 0 && (isBlock(n) || isBlock(nodes[i-1])) {
			flush()
			b.WriteByte('\n')
		}
		switch n.Kind {
		case CodeBlock:
			b.WriteString(fence)
			if n.Lang != "" && !strings.ContainsAny(n.Lang, "` \t\n") {
				b.WriteString(n.Lang)
			}
			b.WriteString("\n" + inertWebexMentions(safeFenceContent(n.Text)) + "\n" + fence)
		case Quote:
			var inner strings.Builder
			renderWebexBlocks(&inner, normalizeWebex(flattenQuotes(n.Children)))
			prefixLines(b, inner.String(), ">", "> ")
		case List, ListItem:
			items := n.Children
			if n.Kind == ListItem {
				items = []Node{n}
			}
			for j, item := range items {
				if j > 0 {
					b.WriteByte('\n')
				}
				if n.Ordered {
					b.WriteString(strconv.Itoa(j+1) + ". ")
				} else {
					b.WriteString("- ")
				}
				kids := item.Children
				if item.Kind != ListItem {
					kids = []Node{item}
				}
				b.WriteString(renderWebexLine(kids, allInline|inListItem))
			}
		default:
			run = append(run, n)
		}
	}
	flush()
}

// inListItem marks rendering inside a list item, where a line break would
// end the item; it is never a parser flag.
const inListItem inlineSet = 1 << 7

// renderWebexLine renders a line's inline nodes. Line starts are escaped
// so they do not read as blocks.
func renderWebexLine(nodes []Node, ctx inlineSet) string {
	return escapeLineStarts(renderWebexInner(nodes, ctx))
}

// renderWebexInner renders inline nodes inside a container.
func renderWebexInner(nodes []Node, ctx inlineSet) string {
	pieces := make([]string, len(nodes))
	for i, n := range nodes {
		pieces[i] = renderWebexInline(n, ctx)
	}
	// Italic picks * next to word characters, where _ would not open or
	// close.
	for i, n := range nodes {
		p := pieces[i]
		if n.Kind != Italic || ctx&inItalic == 0 || p == "" {
			continue
		}
		before := i > 0 && strings.HasPrefix(p, "_") && endsWord(strings.Join(pieces[:i], ""))
		after := i+1 < len(nodes) && strings.HasSuffix(p, "_") && startsWord(strings.Join(pieces[i+1:], ""))
		if before || after {
			pieces[i] = webexWrap("*", n.Children, ctx&^inItalic, true)
			// A * next to a ** of bold inside would read as one run, and
			// so would one at the edge of a container, whose own closing
			// or opening delimiter may be ** too; the emphasis is dropped
			// in those rare corners rather than misread.
			prev, next := strings.Join(pieces[:i], ""), strings.Join(pieces[i+1:], "")
			inContainer := ctx&allInline != allInline
			edge := inContainer && (i == 0 || i == len(nodes)-1)
			if inner := strings.Trim(pieces[i], " \t"); edge || strings.HasPrefix(inner, "**") || strings.HasSuffix(inner, "**") ||
				strings.HasSuffix(prev, "*") || strings.HasPrefix(next, "*") {
				pieces[i] = renderWebexInner(n.Children, ctx&^inItalic)
			}
		}
	}
	return strings.Join(pieces, "")
}

func endsWord(s string) bool   { return s != "" && isWordByte(s[len(s)-1]) }
func startsWord(s string) bool { return s != "" && isWordByte(s[0]) }

// escapeLineStarts protects a line that would otherwise read as a list,
// a fence, a quote or a heading.
func escapeLineStarts(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			continue
		}
		switch l[0] {
		case '-', '+', '#':
			lines[i] = `\` + l
			continue
		}
		if _, _, ok := webexListItem(l); ok {
			d := strings.IndexAny(l, ".)")
			lines[i] = l[:d] + `\` + l[d:]
		}
	}
	return strings.Join(lines, "\n")
}

// webexEscaper protects the characters the parser reads as markup.
var webexEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `~`, `\~`,
	`[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
)

func renderWebexInline(n Node, ctx inlineSet) string {
	switch n.Kind {
	case Text:
		s := webexEscaper.Replace(n.Text)
		if ctx&inListItem != 0 {
			s = strings.ReplaceAll(s, "\n", " ")
		}
		return s
	case LineBreak:
		if ctx&inListItem != 0 {
			return " "
		}
		return "\n"
	case Code, CodeBlock:
		return webexCode(inertWebexMentions(strings.ReplaceAll(n.Text, "\n", " ")))
	case Bold:
		return webexWrap("**", n.Children, ctx&^inBold, ctx&inBold != 0)
	case Italic:
		return webexWrap("_", n.Children, ctx&^inItalic, ctx&inItalic != 0)
	case Strike:
		return webexWrap("~~", n.Children, ctx&^inStrike, ctx&inStrike != 0)
	case Link:
		return webexLinkOut(n, ctx)
	case UserMention:
		name := strings.Map(func(r rune) rune {
			if r == '<' || r == '>' || r == '\n' {
				return ' '
			}
			return r
		}, n.Text)
		switch {
		case n.ID != "" && !strings.ContainsAny(n.ID, "|<> \t\n"):
			return "<@personId:" + n.ID + "|" + name + ">"
		case strings.HasPrefix(n.URL, "mailto:") && len(n.URL) > 7 && !strings.ContainsAny(n.URL, "|<> \t\n"):
			return "<@personEmail:" + n.URL[7:] + "|" + name + ">"
		}
		return webexEscaper.Replace("@" + nonEmptyText(n.Text, n.ID))
	case ChannelMention:
		return webexEscaper.Replace("#" + nonEmptyText(n.Text, n.ID))
	case Broadcast:
		return "<@all>"
	case Emoji:
		return webexEscaper.Replace(":" + n.Text + ":")
	case Quote, List, ListItem:
		var parts []string
		for _, c := range n.Children {
			if s := renderWebexInline(c, ctx|inListItem); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	}
	return ""
}

func nonEmptyText(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// webexWrap puts delim around the rendered children, moving edge spaces
// outside (a marker next to a space does not open or close). Without
// open the container is already open, so only the children are written.
func webexWrap(delim string, kids []Node, ctx inlineSet, open bool) string {
	inner := renderWebexInner(kids, ctx)
	if !open {
		return inner
	}
	trimmed := strings.TrimLeft(inner, " \t")
	lead := inner[:len(inner)-len(trimmed)]
	core := strings.TrimRight(trimmed, " \t")
	trail := trimmed[len(core):]
	if core == "" {
		return inner
	}
	return lead + delim + core + delim + trail
}

// webexCode writes a code span with a backtick run longer than any inside.
func webexCode(s string) string {
	if strings.Trim(s, " ") == "" {
		return webexEscaper.Replace(s)
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	ticks := strings.Repeat("`", longest+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// webexLinkOut writes [label](url), or <url> without a label.
func webexLinkOut(n Node, ctx inlineSet) string {
	url := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\t", "%09").Replace(n.URL)
	label := ""
	if ctx&inLink != 0 && len(n.Children) > 0 {
		label = renderWebexInner(n.Children, ctx&^inLink)
	}
	if ctx&inLink == 0 {
		// A link inside a link: keep the label only.
		return renderWebexInner(n.Children, ctx)
	}
	if url == "" {
		return label
	}
	if strings.TrimSpace(label) == "" {
		if strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://") {
			return "<" + url + ">"
		}
		return "[" + webexEscaper.Replace(n.URL) + "](" + url + ")"
	}
	return "[" + label + "](" + url + ")"
}
