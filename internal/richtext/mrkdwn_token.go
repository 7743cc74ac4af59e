package richtext

import "strings"

// resolveTextTokens runs before any other stage. It replaces the <…> tokens
// that read as plain text (user groups, dates, newer specials with a label)
// by their label, and writes a '<' that starts no token as "&lt;". After it,
// every '<' in the text starts a token that becomes its own node, so the
// later stages see the text as a reader sees it: a label that reads "- x"
// at the start of a line is then parsed as the list it will be re-read as
// once rendered. Without this, rendering and parsing again would not settle.
func resolveTextTokens(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	var gt, lt, nl cursor
	last := 0
	for i := strings.IndexByte(s, '<'); i >= 0; {
		j := gt.find(s, i+1, '>')
		token := j >= 0
		if token {
			l, n := lt.find(s, i+1, '<'), nl.find(s, i+1, '\n')
			token = (l < 0 || l > j) && (n < 0 || n > j)
		}
		var node *Node
		if token {
			node, token = parseToken(s[i+1 : j])
		}
		switch {
		case !token:
			b.WriteString(s[last:i])
			b.WriteString("&lt;")
			last = i + 1
		case node.Kind == Text:
			b.WriteString(s[last:i])
			b.WriteString(escapeEntities(node.Text))
			last = j + 1
		default:
			b.WriteString(s[last : j+1])
			last = j + 1
		}
		next := strings.IndexByte(s[last:], '<')
		if next < 0 {
			break
		}
		i = last + next
	}
	b.WriteString(s[last:])
	return b.String()
}

// parseToken parses the inside of a Slack <…> token: a user, channel or
// special mention, or a link. ok is false when it is none of those, and the
// '<' is then literal.
func parseToken(raw string) (*Node, bool) {
	body, label, hasLabel := strings.Cut(raw, "|")
	label = decodeEntities(label)
	switch {
	case strings.HasPrefix(body, "@"):
		if !isSlackID(body[1:]) {
			return nil, false
		}
		return &Node{Kind: UserMention, ID: body[1:], Text: label}, true
	case strings.HasPrefix(body, "#"):
		if !isSlackID(body[1:]) {
			return nil, false
		}
		return &Node{Kind: ChannelMention, ID: body[1:], Text: label}, true
	case strings.HasPrefix(body, "!"):
		return specialToken(body[1:], label, hasLabel)
	case isURL(body):
		n := &Node{Kind: Link, URL: decodeEntities(body)}
		if label != "" {
			n.Children = []Node{{Kind: Text, Text: label}}
		}
		return n, true
	}
	return nil, false
}

// specialToken handles <!…>: broadcasts, user groups and dates. Groups and
// dates have no node of their own, so they become their readable label. A
// token with nothing readable stays literal rather than vanish: an empty
// text would move what follows it to the start of the line.
func specialToken(body, label string, hasLabel bool) (*Node, bool) {
	name, arg, _ := strings.Cut(body, "^")
	switch name {
	case "here", "channel", "everyone":
		return &Node{Kind: Broadcast, Text: name}, true
	case "subteam":
		if !hasLabel {
			label = "@" + decodeEntities(arg)
		}
	}
	// The fallback of a date, or the label of a newer token we do not
	// know, is what clients without support for it show.
	if label == "" {
		return nil, false
	}
	return &Node{Kind: Text, Text: label}, true
}

// isSlackID accepts Slack's user, channel and group IDs (U123ABC, W…, C…).
func isSlackID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isURL reports whether s starts with a URI scheme ("https:", "mailto:", …)
// and has no spaces, which is how Slack marks a link token apart from text.
func isURL(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || len(s) == colon+1 || strings.ContainsAny(s, " \t") {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// Slack escapes exactly these three characters (wire-facts §1.7).
var (
	entityDecoder = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
	entityEncoder = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

func decodeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return entityDecoder.Replace(s)
}

func escapeEntities(s string) string { return entityEncoder.Replace(s) }

// entityAt decodes an entity at the start of s, returning the decoded text
// and the bytes it spans, or width 0 when s does not start with one.
func entityAt(s string) (string, int) {
	for _, e := range [...]struct{ raw, text string }{{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}} {
		if strings.HasPrefix(s, e.raw) {
			return e.text, len(e.raw)
		}
	}
	return "", 0
}

// maxEmojiName bounds the look-ahead for a closing colon, which keeps a line
// of many colons linear. Slack's own limit for custom emoji names is lower.
const maxEmojiName = 100

// emojiAt parses ":name:" at the start of s, including a skin-tone suffix
// (":thumbsup::skin-tone-2:" gives "thumbsup::skin-tone-2"). It returns the
// name and the bytes consumed, or width 0.
func emojiAt(s string) (string, int) {
	w := emojiNameLen(s[1:])
	if w == 0 || 1+w >= len(s) || s[1+w] != ':' {
		return "", 0
	}
	end := 1 + w + 1
	if rest, ok := strings.CutPrefix(s[end:], ":skin-tone-"); ok {
		if t := emojiNameLen(rest); t > 0 && t < len(rest) && rest[t] == ':' {
			end += len(":skin-tone-") + t + 1
			return s[1 : end-1], end
		}
	}
	return s[1 : end-1], end
}

func emojiNameLen(s string) int {
	n := 0
	for n < len(s) && n < maxEmojiName && isEmojiNameByte(s[n]) {
		n++
	}
	return n
}

func isEmojiNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-' || c == '\''
}

// isEmojiName reports whether name can be written as :name: in mrkdwn.
func isEmojiName(name string) bool {
	base, tone, hasTone := strings.Cut(name, "::skin-tone-")
	if hasTone && (tone == "" || emojiNameLen(tone) != len(tone)) {
		return false
	}
	return base != "" && emojiNameLen(base) == len(base)
}
