package richtext

import (
	"fmt"
	"strings"
)

// dump prints a Doc one node per line, children indented, so that golden
// files and test failures show the tree rather than a Go literal.
func dump(d Doc) string {
	var b strings.Builder
	var walk func(ns []Node, depth int)
	walk = func(ns []Node, depth int) {
		for _, n := range ns {
			b.WriteString(strings.Repeat("  ", depth))
			b.WriteString(kindNames[n.Kind])
			if n.Text != "" {
				fmt.Fprintf(&b, " %q", n.Text)
			}
			if n.ID != "" {
				fmt.Fprintf(&b, " id=%q", n.ID)
			}
			if n.URL != "" {
				fmt.Fprintf(&b, " url=%q", n.URL)
			}
			if n.Lang != "" {
				fmt.Fprintf(&b, " lang=%q", n.Lang)
			}
			if n.Ordered {
				b.WriteString(" ordered")
			}
			b.WriteByte('\n')
			walk(n.Children, depth+1)
		}
	}
	walk(d.Nodes, 0)
	return b.String()
}

var kindNames = map[Kind]string{
	Text: "Text", Bold: "Bold", Italic: "Italic", Strike: "Strike", Code: "Code",
	CodeBlock: "CodeBlock", Quote: "Quote", List: "List", ListItem: "ListItem",
	Link: "Link", UserMention: "UserMention", ChannelMention: "ChannelMention",
	Broadcast: "Broadcast", Emoji: "Emoji", LineBreak: "LineBreak",
}
