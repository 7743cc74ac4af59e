package richtext

import (
	"strconv"
	"strings"
)

func renderGChatBlocks(b *strings.Builder, nodes []Node) {
	for i, n := range nodes {
		if i > 0 && (isBlock(n) || isBlock(nodes[i-1])) {
			b.WriteByte('\n')
		}
		if isBlock(n) {
			renderGChatBlock(b, n)
		} else {
			renderGChatInline(b, n, false)
		}
	}
}

func renderGChatBlock(b *strings.Builder, n Node) {
	switch n.Kind {
	case CodeBlock:
		b.WriteString(fence + "\n" + inertGChatTokens(safeFenceContent(n.Text)) + "\n" + fence)
	case Quote:
		// Chat cannot quote: the quoted lines keep a visible prefix.
		var inner strings.Builder
		renderGChatBlocks(&inner, flattenQuotes(n.Children))
		prefixLines(b, inner.String(), ">", "> ")
	case List:
		for i, item := range n.Children {
			if i > 0 {
				b.WriteByte('\n')
			}
			if n.Ordered {
				b.WriteString(strconv.Itoa(i+1) + ". ")
			} else {
				b.WriteString("- ")
			}
			renderGChatItem(b, item)
		}
	case ListItem:
		b.WriteString("- ")
		renderGChatItem(b, n)
	}
}

// renderGChatItem writes a list item on one line.
func renderGChatItem(b *strings.Builder, item Node) {
	if item.Kind != ListItem {
		renderGChatInline(b, item, true)
		return
	}
	for _, c := range item.Children {
		renderGChatInline(b, c, true)
	}
}

// renderGChatInline writes an inline node; flat keeps it on one line.
func renderGChatInline(b *strings.Builder, n Node, flat bool) {
	switch n.Kind {
	case Text:
		b.WriteString(gchatText(n.Text))
	case Bold, Italic, Strike:
		var inner strings.Builder
		for _, c := range n.Children {
			renderGChatInline(&inner, c, flat)
		}
		writeWrapped(b, inner.String(), markerChar(n.Kind))
	case Code, CodeBlock:
		code := strings.ReplaceAll(n.Text, "`", "'")
		code = strings.ReplaceAll(code, "\n", " ")
		if code != "" {
			b.WriteString("`" + inertGChatTokens(code) + "`")
		}
	case Link:
		renderGChatLink(b, n)
	case UserMention:
		switch id, _ := strings.CutPrefix(n.ID, "users/"); {
		case strings.HasPrefix(n.ID, "users/") && id != "all" && isGChatUserID(id):
			b.WriteString("<" + n.ID + ">")
		default:
			b.WriteString(gchatText(mentionPlain("@", n)))
		}
	case ChannelMention:
		b.WriteString(gchatText(mentionPlain("#", n)))
	case Broadcast:
		switch n.Text {
		case "here", "channel", "everyone":
			b.WriteString("<" + gchatAll + ">")
		default:
			if n.Text != "" {
				b.WriteString(gchatText("@" + n.Text))
			}
		}
	case Emoji:
		switch u, ok := GChatEmojiUnicode(n.Text); {
		case ok:
			b.WriteString(u)
		case isEmojiName(n.Text):
			b.WriteString(":" + n.Text + ":")
		case n.Text != "":
			// Not a name Chat knows: the text as typed, inert.
			b.WriteString(gchatText(":" + n.Text + ":"))
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
			renderGChatInline(b, c, flat)
		}
	}
}

// renderGChatLink writes <url|label>. The label cannot hold '>' (it would
// end the token) or a newline, so those become harmless look-alikes; a URL
// Chat would not read as a link is written as readable, inert text.
func renderGChatLink(b *strings.Builder, n Node) {
	label := inertShortcodes(strings.NewReplacer("\n", " ", ">", "›", "<", "‹").Replace(plainInline(n.Children)))
	url := strings.NewReplacer("|", "%7C", "\n", "%0A", " ", "%20", ">", "%3E", "<", "%3C").Replace(n.URL)
	if !isURL(url) {
		b.WriteString(gchatText(linkPlain(label, n.URL)))
		return
	}
	b.WriteString("<" + url)
	if label != "" && label != n.URL {
		b.WriteString("|" + label)
	}
	b.WriteString(">")
}
