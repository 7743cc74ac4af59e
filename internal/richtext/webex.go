package richtext

import "strings"

// Webex markdown, as GET /v1/messages returns it in "markdown" and as
// POST /v1/messages accepts it (wire-facts §4.3): a CommonMark subset with
// **bold** (or __bold__), *italic* (or _italic_), ~~strike~~, `code`,
// ``` fences, > quotes, -/*/+ and 1. lists, [label](url) and <url> links,
// backslash escapes, and the mention forms <@personId:ID|Name>,
// <@personEmail:EMAIL|Name> and <@all>.
//
// The parser is line-oriented like the mrkdwn one (webex_block.go), with an
// inline scanner (webex_inline.go) that pairs each marker with the first
// closer of the same kind; the same marker never nests inside itself, so
// inline depth is bounded by the number of marker kinds.
//
// Mentions: <@personId:ID|Name> becomes a UserMention with that person ID.
// <@personEmail:EMAIL|Name> names nobody by ID, so it becomes a UserMention
// with no ID and URL "mailto:EMAIL"; the Webex connector resolves the email
// to a person ID before the event leaves it. <@all> becomes the Broadcast
// "channel", its nearest equivalent.
//
// Rendering escapes every character the parser treats as markup with a
// backslash, which CommonMark (and so Webex) honours, so text survives
// literally. The property the tests hold it to is that one parse/render
// round reaches a fixpoint.

// ParseWebexMarkdown parses Webex markdown into a Doc. It never fails:
// anything that is not valid markup is kept as literal text.
func ParseWebexMarkdown(s string) Doc {
	return Doc{Nodes: parseWebexBlocks(normalizeNewlines(s), true)}
}

// RenderWebexMarkdown renders a Doc as Webex markdown.
func RenderWebexMarkdown(d Doc) string {
	out := renderWebex(d.Nodes)
	// Markdown's * and _ runs are ambiguous where emphasis touches
	// emphasis (**a****b**, *x* at a bold's edge). Rather than chase every
	// corner, check that the output reads back as itself; when it does
	// not, emphasis is flattened so the text, links and mentions still
	// arrive exactly.
	if renderWebex(ParseWebexMarkdown(out).Nodes) != out {
		out = renderWebex(flattenEmphasis(d.Nodes))
	}
	return out
}

func renderWebex(nodes []Node) string {
	var b strings.Builder
	renderWebexBlocks(&b, normalizeWebex(nodes))
	return b.String()
}

// flattenEmphasis replaces bold, italic and strike with their contents.
func flattenEmphasis(nodes []Node) []Node {
	out := make([]Node, 0, len(nodes))
	for _, n := range nodes {
		switch n.Kind {
		case Bold, Italic, Strike:
			out = append(out, flattenEmphasis(n.Children)...)
		default:
			n.Children = flattenEmphasis(n.Children)
			out = append(out, n)
		}
	}
	return out
}
