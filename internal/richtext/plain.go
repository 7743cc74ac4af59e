package richtext

import (
	"strconv"
	"strings"
)

// RenderPlain renders a Doc as readable plain text, for platforms without
// formatting and for notices: markup disappears, links show their URL,
// mentions read "@Name", and quotes and lists keep a visible prefix.
func RenderPlain(d Doc) string {
	var b strings.Builder
	renderPlainBlocks(&b, d.Nodes)
	return b.String()
}

// Plain returns a Doc holding s as literal text, with each newline turned
// into a LineBreak.
func Plain(s string) Doc {
	var d Doc
	for i, line := range strings.Split(normalizeNewlines(s), "\n") {
		if i > 0 {
			d.Nodes = append(d.Nodes, Node{Kind: LineBreak})
		}
		if line != "" {
			d.Nodes = append(d.Nodes, Node{Kind: Text, Text: line})
		}
	}
	return d
}

// Len returns the length in bytes of the document's plain rendering. Bytes,
// not characters: the strictest platform limits (Google Chat, Webex) count
// bytes, and a byte count is an upper bound for the ones that count runes.
func (d Doc) Len() int { return len(RenderPlain(d)) }

func renderPlainBlocks(b *strings.Builder, nodes []Node) {
	for i, n := range nodes {
		if i > 0 && (isBlock(n) || isBlock(nodes[i-1])) {
			b.WriteByte('\n')
		}
		switch n.Kind {
		case CodeBlock:
			b.WriteString(n.Text)
		case Quote:
			var inner strings.Builder
			renderPlainBlocks(&inner, n.Children)
			prefixLines(b, inner.String(), ">", "> ")
		case List:
			for j, item := range n.Children {
				if j > 0 {
					b.WriteByte('\n')
				}
				if n.Ordered {
					b.WriteString(strconv.Itoa(j+1) + ". ")
				} else {
					b.WriteString("• ")
				}
				writePlainItem(b, item)
			}
		case ListItem:
			b.WriteString("• ")
			writePlainItem(b, n)
		default:
			writePlainInline(b, n)
		}
	}
}

func writePlainItem(b *strings.Builder, item Node) {
	if item.Kind != ListItem {
		writePlainInline(b, item)
		return
	}
	b.WriteString(plainInline(item.Children))
}

// plainInline renders inline nodes as plain text.
func plainInline(nodes []Node) string {
	var b strings.Builder
	for _, n := range nodes {
		writePlainInline(&b, n)
	}
	return b.String()
}

func writePlainInline(b *strings.Builder, n Node) {
	switch n.Kind {
	case Text, Code, CodeBlock:
		b.WriteString(n.Text)
	case Link:
		b.WriteString(linkPlain(plainInline(n.Children), n.URL))
	case UserMention:
		b.WriteString(mentionPlain("@", n))
	case ChannelMention:
		b.WriteString(mentionPlain("#", n))
	case Broadcast:
		if n.Text != "" {
			b.WriteString("@" + n.Text)
		}
	case Emoji:
		if n.Text != "" {
			b.WriteString(":" + n.Text + ":")
		}
	case LineBreak:
		b.WriteByte('\n')
	default:
		// Bold, Italic, Strike and blocks met inline read as their content.
		b.WriteString(plainInline(n.Children))
	}
}

// linkPlain shows a link as "label (url)", or only one of them when the
// other adds nothing.
func linkPlain(label, url string) string {
	switch {
	case url == "":
		return label
	case label == "" || label == url || "mailto:"+label == url:
		if label != "" {
			return label
		}
		return url
	}
	return label + " (" + url + ")"
}

func mentionPlain(sigil string, n Node) string {
	switch {
	case n.Text != "":
		return sigil + strings.TrimPrefix(n.Text, sigil)
	case n.ID != "":
		return sigil + n.ID
	}
	return ""
}
