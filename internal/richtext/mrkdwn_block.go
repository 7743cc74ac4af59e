package richtext

import "strings"

const fence = "```"

// parseBlocks parses line-level mrkdwn. inQuote is set for the content of a
// quote: Slack does not nest quotes, so a > there is literal text.
func parseBlocks(s string, inQuote bool) []Node {
	var out []Node
	// lastFence lets a fence opener know in O(1) whether any closer follows,
	// which keeps many unclosed ``` lines linear.
	lastFence := strings.LastIndex(s, fence)
	prevInline := false // whether the last item emitted was an inline line
	// blank is set when a blank line right after a block was absorbed. If
	// another block follows, the blank line is kept as an empty Text, since
	// two blocks with nothing between would merge (two quotes become one).
	blank := false
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
		out = append(out, parseInline(line)...)
		prevInline = true
	}

	pos := 0
	for pos <= len(s) {
		line, next := lineAt(s, pos)

		if !inQuote {
			if inner, ok := cutPrefixAny(line, ">>>", "&gt;&gt;&gt;"); ok {
				// ">>>" quotes everything that follows, to the end of the message.
				rest := inner + s[min(next-1, len(s)):]
				rest = strings.TrimPrefix(rest, " ")
				emitBlock(Node{Kind: Quote, Children: parseBlocks(rest, true)})
				break
			}
			if _, ok := quoteContent(line); ok {
				var lines []string
				for pos <= len(s) {
					l, n := lineAt(s, pos)
					c, ok := quoteContent(l)
					if !ok {
						break
					}
					lines = append(lines, c)
					pos = n
				}
				inner := strings.Join(lines, "\n")
				emitBlock(Node{Kind: Quote, Children: parseBlocks(inner, true)})
				continue
			}
		}

		if _, ordered, ok := listItem(line, 0); ok {
			list := Node{Kind: List, Ordered: ordered}
			for pos <= len(s) {
				l, n := lineAt(s, pos)
				content, o, ok := listItem(l, len(list.Children))
				if !ok || o != ordered {
					break
				}
				list.Children = append(list.Children, Node{Kind: ListItem, Children: parseInline(content)})
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
			emitBlock(Node{Kind: CodeBlock, Text: codeBlockText(s[start:end])})
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
			// An empty line right after a block only ends that block; a
			// later inline line still needs its LineBreak from here on.
			blank = len(out) > 0
			prevInline = true
		}
		pos = next
	}
	return out
}

// lineAt returns the line starting at pos and the position just past its
// newline; past the end of s, the next position is len(s)+1.
func lineAt(s string, pos int) (line string, next int) {
	if i := strings.IndexByte(s[pos:], '\n'); i >= 0 {
		return s[pos : pos+i], pos + i + 1
	}
	return s[pos:], len(s) + 1
}

// quoteContent reports whether line is a quote line and returns its content.
// Events API text carries the > as &gt;; text we or a user typed may not.
func quoteContent(line string) (string, bool) {
	c, ok := cutPrefixAny(line, ">", "&gt;")
	if !ok {
		return "", false
	}
	return strings.TrimPrefix(c, " "), true
}

// listItem reports whether line is an item of a list that already holds n
// items, and returns its content. A "* " needs the space, so "*bold*" at the
// start of a line stays bold. An ordered list must start at 1 and count up
// by one, so that "2026. was a year" stays text and no number is lost.
func listItem(line string, n int) (content string, ordered, ok bool) {
	if c, ok := cutPrefixAny(line, "• ", "- ", "* "); ok {
		return c, false, true
	}
	digits := 0
	for digits < len(line) && digits < 9 && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	if digits == 0 || !strings.HasPrefix(line[digits:], ". ") {
		return "", false, false
	}
	num := 0
	for _, c := range line[:digits] {
		num = num*10 + int(c-'0')
	}
	if num != n+1 || line[0] == '0' {
		return "", false, false
	}
	return line[digits+2:], true, true
}

// codeBlockText decodes a fence's content. The newline right after the
// opening fence and the one right before the closing fence are layout, not
// content.
func codeBlockText(raw string) string {
	raw = strings.TrimPrefix(raw, "\n")
	raw = strings.TrimSuffix(raw, "\n")
	return decodeEntities(raw)
}

func cutPrefixAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return "", false
}
