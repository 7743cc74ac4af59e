package richtext

import (
	"regexp"
	"strings"
)

// inlineSet says which inline containers may still open; a container is
// removed while inside itself.
type inlineSet uint8

const (
	inBold inlineSet = 1 << iota
	inItalic
	inStrike
	inLink
	allInline = inBold | inItalic | inStrike | inLink
)

var (
	webexMentionRE  = regexp.MustCompile(`^<@(personEmail|personId):([^|<>\s]+)(?:\|([^<>]*))?>`)
	webexAutolinkRE = regexp.MustCompile(`^<(https?://[^<>\s]+)>`)
	webexLinkDestRE = regexp.MustCompile(`^\(([^()\s]+)\)`)
)

func isASCIIPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' }

// parseWebexInline parses one line.
func parseWebexInline(s string, allow inlineSet) []Node {
	var out []Node
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, Node{Kind: Text, Text: text.String()})
			text.Reset()
		}
	}
	emit := func(n Node) {
		flush()
		out = append(out, n)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			text.WriteByte(s[i+1])
			i += 2
			continue
		case c == '`':
			if n, end, ok := webexCodeSpan(s, i); ok {
				emit(n)
				i = end
				continue
			}
			run := i
			for run < len(s) && s[run] == '`' {
				run++
			}
			text.WriteString(s[i:run])
			i = run
			continue
		case c == '<':
			if m := webexMentionRE.FindStringSubmatch(s[i:]); m != nil {
				n := Node{Kind: UserMention, Text: m[3]}
				if m[1] == "personId" {
					n.ID = m[2]
				} else {
					n.URL = "mailto:" + m[2]
				}
				emit(n)
				i += len(m[0])
				continue
			}
			if strings.HasPrefix(s[i:], "<@all>") {
				emit(Node{Kind: Broadcast, Text: "channel"})
				i += len("<@all>")
				continue
			}
			if m := webexAutolinkRE.FindStringSubmatch(s[i:]); m != nil && allow&inLink != 0 {
				emit(Node{Kind: Link, URL: m[1]})
				i += len(m[0])
				continue
			}
		case c == '[' && allow&inLink != 0:
			if n, end, ok := webexLink(s, i, allow); ok {
				emit(n)
				i = end
				continue
			}
		case (c == '*' || c == '_') && i+1 < len(s) && s[i+1] == c && allow&inBold != 0:
			if n, end, ok := webexPair(s, i, s[i:i+2], Bold, allow&^inBold); ok {
				emit(n)
				i = end
				continue
			}
		case c == '~' && strings.HasPrefix(s[i:], "~~") && allow&inStrike != 0:
			if n, end, ok := webexPair(s, i, "~~", Strike, allow&^inStrike); ok {
				emit(n)
				i = end
				continue
			}
		case (c == '*' || c == '_') && allow&inItalic != 0:
			if n, end, ok := webexItalic(s, i, allow&^inItalic); ok {
				emit(n)
				i = end
				continue
			}
		}
		text.WriteByte(c)
		i++
	}
	flush()
	return out
}

// webexCodeSpan reads a code span opened by the backtick run at i; the
// closer is the next run of the same length. One space is stripped from
// each end when both are there and the content is not all spaces.
func webexCodeSpan(s string, i int) (Node, int, bool) {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	for j := i + n; j < len(s); {
		if s[j] != '`' {
			j++
			continue
		}
		k := j
		for k < len(s) && s[k] == '`' {
			k++
		}
		if k-j == n {
			body := s[i+n : j]
			if len(body) >= 2 && body[0] == ' ' && body[len(body)-1] == ' ' && strings.Trim(body, " ") != "" {
				body = body[1 : len(body)-1]
			}
			if body == "" {
				return Node{}, 0, false
			}
			return Node{Kind: Code, Text: body}, k, true
		}
		j = k
	}
	return Node{}, 0, false
}

// closer finds the first occurrence of delim after from that is not
// escaped and not preceded by a space; single reports a one-character
// delimiter that must not touch another copy of itself.
func closer(s string, from int, delim string) int {
	single := len(delim) == 1
	// Scan from the first content byte so that an escape there is seen as
	// one; the content must not be empty.
	for j := from - 1; j+len(delim) <= len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == '`' {
			if _, end, ok := webexCodeSpan(s, j); ok {
				j = end - 1
				continue
			}
		}
		if j < from || !strings.HasPrefix(s[j:], delim) || isSpaceByte(s[j-1]) {
			continue
		}
		if single {
			escapedBefore := j >= 2 && s[j-2] == '\\'
			if (s[j-1] == delim[0] && !escapedBefore) || (j+1 < len(s) && s[j+1] == delim[0]) {
				continue
			}
			if delim == "_" && j+1 < len(s) && isWordByte(s[j+1]) {
				continue
			}
		}
		return j
	}
	return -1
}

// webexPair reads a two-character delimited container (** __ ~~) at i.
func webexPair(s string, i int, delim string, kind Kind, allow inlineSet) (Node, int, bool) {
	start := i + len(delim)
	if start >= len(s) || isSpaceByte(s[start]) {
		return Node{}, 0, false
	}
	// Underscores inside a word are text (snake__case), as in CommonMark.
	if delim == "__" && i > 0 && isWordByte(s[i-1]) {
		return Node{}, 0, false
	}
	j := closer(s, start+1, delim)
	if j < 0 || (delim == "__" && j+2 < len(s) && isWordByte(s[j+2])) {
		return Node{}, 0, false
	}
	return Node{Kind: kind, Children: parseWebexInline(s[start:j], allow)}, j + len(delim), true
}

// webexItalic reads *x* or _x_ at i. An underscore opens only at a word
// start, so snake_case stays text.
func webexItalic(s string, i int, allow inlineSet) (Node, int, bool) {
	c := s[i]
	if i+1 >= len(s) || isSpaceByte(s[i+1]) || s[i+1] == c {
		return Node{}, 0, false
	}
	if c == '_' && i > 0 && isWordByte(s[i-1]) {
		return Node{}, 0, false
	}
	j := closer(s, i+2, string(c))
	if j < 0 {
		return Node{}, 0, false
	}
	return Node{Kind: Italic, Children: parseWebexInline(s[i+1:j], allow)}, j + 1, true
}

// webexLink reads [label](url) at i.
func webexLink(s string, i int, allow inlineSet) (Node, int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '[':
			return Node{}, 0, false
		case ']':
			m := webexLinkDestRE.FindStringSubmatch(s[j+1:])
			if m == nil {
				return Node{}, 0, false
			}
			n := Node{Kind: Link, URL: m[1], Children: parseWebexInline(s[i+1:j], allow&^inLink)}
			return n, j + 1 + len(m[0]), true
		}
	}
	return Node{}, 0, false
}
