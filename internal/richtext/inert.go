package richtext

import "strings"

// A person's text must stay text on every platform: typed "<users/all>"
// must not page a Google Chat space, nor ":smile:" turn into an emoji, nor
// "<https://evil|innocent>" into a lying link. Each renderer writes every
// string that came from a person (text, link labels, names shown for
// unmapped mentions) through its dialect's text function; markup is only
// ever written for a node.
//
// Slack, Teams and Webex have escapes (entities, HTML, backslashes) and
// use them. Google Chat has none, and no platform can escape ':'; there a
// WORD JOINER (U+2060) goes between the character that opens a token and
// what follows. It is invisible and adds no line break, so the text reads
// exactly as typed, but no token or shortcode recogniser matches across it.
const wordJoiner = "\u2060"

// inertShortcodes puts a word joiner after every ':' that opens what could
// read as a shortcode: ":name:", or a ":name" (or a bare ':') that runs to
// the end of s, where the next node's text might supply the rest. A ':'
// followed by anything else ("https://", "host:80/", "a: b") is left alone,
// as is one already followed by a word joiner, so the function is
// idempotent.
func inertShortcodes(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != ':' {
			continue
		}
		w := emojiNameLen(s[i+1:])
		end := i + 1 + w
		if end == len(s) || w == maxEmojiName || w > 0 && s[end] == ':' {
			b.WriteString(wordJoiner)
		}
	}
	return b.String()
}

// inertAngles puts a word joiner after every '<' that a token could
// follow: one before a letter (every Chat token, "users/…" or a scheme,
// starts with one) or at the end of s, where the next node's text might
// supply the rest. "a < b" and "<3" stay as typed; the function is
// idempotent.
func inertAngles(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '<' && (i+1 == len(s) || isASCIILetter(s[i+1])) {
			b.WriteString(wordJoiner)
		}
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// inertGChatTokens puts a word joiner after each '<' that starts what Chat
// could read as a mention or link: <users/…> or <scheme:…>. It is for
// code, whose backticks bound it, so the rest of the token is in s; code
// keeps every other '<' untouched for copying.
func inertGChatTokens(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '<' && startsGChatToken(s[i+1:]) {
			b.WriteString(wordJoiner)
		}
	}
	return b.String()
}

// startsGChatToken reports whether s begins like the inside of a Chat
// token: "users/" or a URI scheme and its colon.
func startsGChatToken(s string) bool {
	if strings.HasPrefix(s, "users/") {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		switch {
		case letter:
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// gchatText is a person's text as Google Chat text.
func gchatText(s string) string { return inertShortcodes(inertAngles(s)) }

// mrkdwnText is a person's text as Slack mrkdwn: entities for &, < and >,
// and no shortcodes.
func mrkdwnText(s string) string { return inertShortcodes(escapeEntities(s)) }

// inertWebexMentions puts a word joiner between '<' and '@' in code, where
// Markdown has no escapes but a mention recogniser that ignores code spans
// would still see <@all> or <@personId:…>. Text needs none: its '<' is
// backslash-escaped.
func inertWebexMentions(s string) string {
	if !strings.Contains(s, "<@") {
		return s
	}
	return strings.ReplaceAll(s, "<@", "<"+wordJoiner+"@")
}
