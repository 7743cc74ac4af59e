package richtext

import "strings"

// Google Chat text, as messages carry it in formattedText and as
// spaces.messages.create accepts it with the legacy MARKUP_SYNTAX_CHAT
// (wire-facts §3.7): *bold*, _italic_, ~strike~, `code`, ``` blocks,
// "* " or "- " bullets, <url|label> links, and <users/ID> / <users/all>
// mentions.
//
// Chat has no escapes and no entities: text is literal UTF-8, so a literal
// marker on a word boundary cannot be protected. As for mrkdwn, the parser
// follows Chat's word-boundary rule for markers (a marker between word
// characters is inert), the renderer writes text unchanged, and the
// guarantee tested is that one parse/render round reaches a fixpoint:
// Render(Parse(Render(Parse(x)))) == Render(Parse(x)).
//
// Chat has no quotes and no numbered lists in this syntax; the renderer
// writes them as readable "> " and "1. " lines, which read back as text.

// GChatMention names a mentioned user, as a message's USER_MENTION
// annotations do, so that mentions carry a display name.
type GChatMention struct {
	User        string // resource name, "users/123"
	DisplayName string
}

// gchatAll is the mention that notifies everyone in a space.
const gchatAll = "users/all"

// ParseGChat parses Google Chat formatted text into a Doc. It never fails:
// anything that is not valid markup is kept as literal text. Mentions of
// users listed in mentions get their display name as Text.
func ParseGChat(s string, mentions ...GChatMention) Doc {
	d := Doc{Nodes: parseGChatBlocks(normalizeNewlines(s))}
	if len(mentions) > 0 {
		names := make(map[string]string, len(mentions))
		for _, m := range mentions {
			names[m.User] = m.DisplayName
		}
		d.Walk(func(n *Node) {
			if n.Kind == UserMention && n.Text == "" {
				n.Text = names[n.ID]
			}
		})
	}
	return d
}

// RenderGChat renders a Doc as Google Chat text.
func RenderGChat(d Doc) string {
	var b strings.Builder
	renderGChatBlocks(&b, d.Nodes)
	return b.String()
}

// parseGChatBlocks splits s into code fences, bullet lists and inline
// lines; consecutive inline lines are joined by LineBreak nodes.
func parseGChatBlocks(s string) []Node {
	var out []Node
	lastFence := strings.LastIndex(s, fence)
	prevInline, blank := false, false
	emitBlock := func(n Node) {
		if blank {
			out = append(out, Node{Kind: Text})
		}
		out = append(out, n)
		prevInline, blank = false, false
	}
	emitLine := func(line string) {
		blank = false
		if prevInline {
			out = append(out, Node{Kind: LineBreak})
		}
		out = append(out, parseGChatInline(line)...)
		prevInline = true
	}
	pos := 0
	for pos <= len(s) {
		line, next := lineAt(s, pos)
		if _, ok := gchatBullet(line); ok {
			list := Node{Kind: List}
			for pos <= len(s) {
				l, n := lineAt(s, pos)
				content, ok := gchatBullet(l)
				if !ok {
					break
				}
				list.Children = append(list.Children, Node{Kind: ListItem, Children: parseGChatInline(content)})
				pos = n
			}
			emitBlock(list)
			continue
		}
		if at := strings.Index(line, fence); at >= 0 && pos+at+len(fence) <= lastFence {
			start := pos + at + len(fence)
			end := start + strings.Index(s[start:], fence)
			if at > 0 {
				emitLine(line[:at])
			}
			raw := strings.TrimSuffix(strings.TrimPrefix(s[start:end], "\n"), "\n")
			emitBlock(Node{Kind: CodeBlock, Text: raw})
			pos = end + len(fence)
			if pos == len(s) {
				break
			}
			if s[pos] == '\n' {
				pos++
			}
			continue
		}
		if line != "" || prevInline {
			emitLine(line)
		} else {
			blank = len(out) > 0
			prevInline = true
		}
		pos = next
	}
	return out
}

// gchatBullet reports whether line is a bullet item and returns its
// content. "*bold*" at the start of a line needs no space, so it stays bold.
func gchatBullet(line string) (string, bool) {
	return cutPrefixAny(line, "* ", "- ", "• ")
}
