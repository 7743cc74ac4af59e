package richtext

import "strings"

// Slack mrkdwn, as it arrives in Events API "text" and as chat.postMessage
// accepts it (wire-facts §1.7).
//
// The parser is a hand-written scanner, linear in the input. A first pass
// (resolveTextTokens) turns the <…> tokens that read as text into that text;
// then two levels follow:
//
//   - mrkdwn_block.go splits the text into lines and recognises the
//     line-level constructs: ``` fences (which may start mid-line and span
//     lines), > quotes, and •/-/* and 1. lists. Everything else is an inline
//     line; consecutive inline lines are joined by LineBreak nodes, while the
//     newline on either side of a block is implied by the block itself.
//   - mrkdwn_inline.go lexes one line into atoms (text, entities, <…> tokens,
//     `code`, :emoji:, and the * _ ~ markers with their word-boundary flags),
//     then pairs markers. An opener pairs with the first closer of the same
//     kind after it, found in O(1) from a precomputed table, and the same
//     marker never nests inside itself, so inline depth is at most three.
//
// Rendering strategy. Slack has no backslash escape, so a literal *, _ or ~
// cannot be protected. We rely on Slack's own boundary rules instead: a marker
// between word characters (snake_case, 2*3*4) is inert and renders as is. A
// literal marker that sits on a word boundary is ambiguous in mrkdwn itself;
// we emit it unchanged rather than insert invisible characters, so such text
// is re-read the way Slack would read it. The guarantee we test is that one
// parse/render round reaches a fixpoint:
// Render(Parse(Render(Parse(x)))) == Render(Parse(x)).

// ParseMrkdwn parses Slack mrkdwn into a Doc. It never fails: anything that
// is not valid markup is kept as literal text.
func ParseMrkdwn(s string) Doc {
	s = resolveTextTokens(normalizeNewlines(s))
	return Doc{Nodes: parseBlocks(s, false)}
}

// RenderMrkdwn renders a Doc as Slack mrkdwn, escaping &, < and > in text.
func RenderMrkdwn(d Doc) string {
	var b strings.Builder
	renderMrkdwnBlocks(&b, d.Nodes)
	return b.String()
}

// normalizeNewlines turns CRLF and lone CR into LF, so that every later stage
// only has to know one line terminator.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
