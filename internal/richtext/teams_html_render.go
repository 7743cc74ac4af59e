package richtext

import (
	"html"
	"strings"
)

// RenderTeamsHTML renders d as the HTML subset Teams shows in a message
// (textFormat xml, or a card's text), and returns the mentions it wrote,
// in order, for the activity's entities. Every text is escaped; links keep
// only http, https and mailto targets; mentions without a Teams ID, channel
// mentions and broadcasts become plain text, so a relayed @here never pages
// anyone.
func RenderTeamsHTML(d Doc) (string, []TeamsMention) {
	r := teamsRenderer{}
	r.blocks(d.Nodes)
	return r.b.String(), r.mentions
}

type teamsRenderer struct {
	b        strings.Builder
	mentions []TeamsMention
}

func (r *teamsRenderer) blocks(ns []Node) {
	for _, n := range ns {
		switch n.Kind {
		case CodeBlock:
			r.b.WriteString("<pre>")
			if n.Lang != "" {
				r.b.WriteString(`<code class="language-` + html.EscapeString(codeLang(n.Lang)) + `">`)
			}
			if strings.HasPrefix(n.Text, "\n") {
				// HTML drops one newline right after <pre>.
				r.b.WriteByte('\n')
			}
			r.b.WriteString(html.EscapeString(n.Text))
			if n.Lang != "" {
				r.b.WriteString("</code>")
			}
			r.b.WriteString("</pre>")
		case Quote:
			r.b.WriteString("<blockquote>")
			r.blocks(n.Children)
			r.b.WriteString("</blockquote>")
		case List:
			tag := "ul"
			if n.Ordered {
				tag = "ol"
			}
			r.b.WriteString("<" + tag + ">")
			for _, it := range n.Children {
				r.item(it)
			}
			r.b.WriteString("</" + tag + ">")
		case ListItem:
			r.b.WriteString("<ul>")
			r.item(n)
			r.b.WriteString("</ul>")
		default:
			r.inline(n)
		}
	}
}

func (r *teamsRenderer) item(n Node) {
	r.b.WriteString("<li>")
	if n.Kind == ListItem {
		for _, c := range n.Children {
			r.flat(c)
		}
	} else {
		r.flat(n)
	}
	r.b.WriteString("</li>")
}

// flat writes a node on the current line, blocks included as their text
// (inside a list item or inline formatting a block cannot open).
func (r *teamsRenderer) flat(n Node) {
	switch n.Kind {
	case CodeBlock:
		r.wrapText("code", collapseSpace(n.Text))
	case Quote, List, ListItem:
		var inner teamsRenderer
		for i, c := range n.Children {
			if i > 0 {
				inner.b.WriteByte(' ')
			}
			inner.flat(c)
		}
		r.b.WriteString(inner.b.String())
		r.mentions = append(r.mentions, inner.mentions...)
	default:
		r.inline(n)
	}
}

func (r *teamsRenderer) wrapText(tag, text string) {
	if text == "" {
		return
	}
	r.b.WriteString("<" + tag + ">" + html.EscapeString(text) + "</" + tag + ">")
}

func (r *teamsRenderer) children(tag string, ns []Node) {
	r.b.WriteString("<" + tag + ">")
	for _, c := range ns {
		r.flat(c)
	}
	r.b.WriteString("</" + tag + ">")
}

func (r *teamsRenderer) inline(n Node) {
	switch n.Kind {
	case Text:
		r.b.WriteString(html.EscapeString(n.Text))
	case Bold:
		r.children("b", n.Children)
	case Italic:
		r.children("i", n.Children)
	case Strike:
		r.children("s", n.Children)
	case Code:
		r.wrapText("code", n.Text)
	case LineBreak:
		r.b.WriteString("<br>")
	case Link:
		u, ok := safeURL(n.URL)
		if !ok {
			for _, c := range n.Children {
				r.flat(c)
			}
			return
		}
		r.b.WriteString(`<a href="` + html.EscapeString(u) + `">`)
		if len(n.Children) == 0 {
			r.b.WriteString(html.EscapeString(u))
		}
		for _, c := range n.Children {
			r.flat(c)
		}
		r.b.WriteString("</a>")
	case UserMention:
		r.mention(n)
	case ChannelMention:
		r.b.WriteString(html.EscapeString(mentionPlain("#", n)))
	case Broadcast:
		if n.Text != "" {
			r.b.WriteString(html.EscapeString("@" + n.Text))
		}
	case Emoji:
		if c, ok := TeamsEmojiChar(n.Text); ok {
			r.b.WriteString(c)
		} else if n.Text != "" {
			r.b.WriteString(html.EscapeString(":" + n.Text + ":"))
		}
	default:
		for _, c := range n.Children {
			r.flat(c)
		}
	}
}

// mention writes a native mention when the person has a Teams ID and a
// name to show; Teams matches the entity to the text by the exact markup.
func (r *teamsRenderer) mention(n Node) {
	name := strings.TrimSpace(collapseSpace(n.Text))
	if n.ID == "" || name == "" {
		r.b.WriteString(html.EscapeString(mentionPlain("@", n)))
		return
	}
	text := "<at>" + html.EscapeString(name) + "</at>"
	r.b.WriteString(text)
	r.mentions = append(r.mentions, TeamsMention{ID: n.ID, Name: name, Text: text})
}
