package teams

import (
	"strconv"
	"strings"

	"parley/internal/richtext"
)

// renderCardText renders a body in the Markdown subset Adaptive Card
// TextBlocks read in Teams (bold, italic, links, lists; no HTML), with
// <at> mentions for people who have a Teams ID. Everything Teams would read
// as markup in the text is escaped, and formatting a TextBlock lacks
// (strikethrough, code, quotes) reads as plain text.
func renderCardText(d richtext.Doc) (string, []richtext.TeamsMention) {
	r := cardRenderer{}
	r.blocks(d.Nodes)
	return strings.TrimSpace(r.b.String()), r.mentions
}

type cardRenderer struct {
	b        strings.Builder
	mentions []richtext.TeamsMention
}

// Teams needs a blank line for a line break inside a TextBlock; single
// newlines only separate list items.
const cardBreak = "\n\n"

func (r *cardRenderer) blocks(ns []richtext.Node) {
	for i, n := range ns {
		switch n.Kind {
		case richtext.CodeBlock:
			r.sep(i)
			r.b.WriteString(escapeCard(n.Text))
			r.b.WriteString(cardBreak)
		case richtext.Quote:
			r.sep(i)
			r.b.WriteString("│ ")
			r.blocks(n.Children)
			r.b.WriteString(cardBreak)
		case richtext.List, richtext.ListItem:
			r.sep(i)
			items := n.Children
			if n.Kind == richtext.ListItem {
				items = []richtext.Node{n}
			}
			for j, it := range items {
				if n.Ordered {
					r.b.WriteString(strconv.Itoa(j+1) + ". ")
				} else {
					r.b.WriteString("- ")
				}
				for _, c := range it.Children {
					r.inline(c)
				}
				r.b.WriteString("\r")
			}
			r.b.WriteString(cardBreak)
		default:
			r.inline(n)
		}
	}
}

// sep starts a block on its own line.
func (r *cardRenderer) sep(i int) {
	if i > 0 && !strings.HasSuffix(r.b.String(), cardBreak) {
		r.b.WriteString(cardBreak)
	}
}

func (r *cardRenderer) wrap(mark string, ns []richtext.Node) {
	var inner cardRenderer
	for _, c := range ns {
		inner.inline(c)
	}
	s := inner.b.String()
	r.mentions = append(r.mentions, inner.mentions...)
	if strings.TrimSpace(s) == "" {
		r.b.WriteString(s)
		return
	}
	// Markdown emphasis cannot start or end with a space.
	lead := s[:len(s)-len(strings.TrimLeft(s, " "))]
	trail := s[len(strings.TrimRight(s, " ")):]
	r.b.WriteString(lead + mark + strings.TrimSpace(s) + mark + trail)
}

func (r *cardRenderer) inline(n richtext.Node) {
	switch n.Kind {
	case richtext.Text, richtext.Code:
		r.b.WriteString(escapeCard(n.Text))
	case richtext.Bold:
		r.wrap("**", n.Children)
	case richtext.Italic:
		r.wrap("_", n.Children)
	case richtext.LineBreak:
		r.b.WriteString(cardBreak)
	case richtext.Link:
		var label cardRenderer
		for _, c := range n.Children {
			label.inline(c)
		}
		l := label.b.String()
		r.mentions = append(r.mentions, label.mentions...)
		u, ok := cardURL(n.URL)
		switch {
		case !ok:
			r.b.WriteString(l)
		case l == "":
			r.b.WriteString("[" + escapeCard(u) + "](" + u + ")")
		default:
			r.b.WriteString("[" + l + "](" + u + ")")
		}
	case richtext.UserMention:
		name := strings.Join(strings.Fields(strings.NewReplacer("<", "", ">", "").Replace(n.Text)), " ")
		if n.ID == "" || name == "" {
			r.b.WriteString(escapeCard(mentionText(n)))
			return
		}
		text := "<at>" + name + "</at>"
		r.b.WriteString(text)
		r.mentions = append(r.mentions, richtext.TeamsMention{ID: n.ID, Name: name, Text: text})
	case richtext.ChannelMention:
		r.b.WriteString(escapeCard("#" + firstNonEmpty(n.Text, n.ID)))
	case richtext.Broadcast:
		if n.Text != "" {
			r.b.WriteString(escapeCard("@" + n.Text))
		}
	case richtext.Emoji:
		if c, ok := richtext.TeamsEmojiChar(n.Text); ok {
			r.b.WriteString(c)
		} else if n.Text != "" {
			r.b.WriteString(escapeCard(":" + n.Text + ":"))
		}
	default:
		for _, c := range n.Children {
			r.inline(c)
		}
	}
}

func mentionText(n richtext.Node) string {
	return "@" + strings.TrimPrefix(firstNonEmpty(n.Text, n.ID), "@")
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cardEscaper backslash-escapes what the card Markdown would read as
// emphasis or a link, and breaks any "<at" so that text cannot forge a
// mention tag. Any other '<' gets an invisible word joiner (U+2060) after
// it: no autolink (<https://…>) or tag can start there, and a "<a" at the
// end of one text cannot meet a "t>" at the start of the next.
var cardEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, "`", "\\`",
	"<at", "‹at", "<AT", "‹AT", "<At", "‹At", "<aT", "‹aT", "</", "‹/", "\r", " ",
	"<", "<\u2060",
)

func escapeCard(s string) string { return cardEscaper.Replace(s) }

// cardURL accepts http(s) and mailto links whose characters cannot end the
// Markdown link early.
func cardURL(u string) (string, bool) {
	l := strings.ToLower(u)
	if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "mailto:") {
		return "", false
	}
	if strings.ContainsAny(u, " ()<>\n\r\t\"") {
		return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22").Replace(u), !strings.ContainsAny(u, "\n\r\t")
	}
	return u, true
}
