package richtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// atom is one lexed piece of an inline line: literal text, a finished node
// (code, emoji, mention, link, …), or a * _ ~ marker that may pair up.
type atom struct {
	text        string // literal text, already entity-decoded, or the marker
	node        *Node
	mark        byte // '*', '_' or '~' for a marker
	open, close bool // whether the marker may open or close a span
}

// markers lists the emphasis markers in the order of their bit in a mask.
var markers = [...]struct {
	char byte
	kind Kind
}{{'*', Bold}, {'_', Italic}, {'~', Strike}}

// parseInline parses one line (no newlines) of inline mrkdwn.
func parseInline(line string) []Node {
	if line == "" {
		return nil
	}
	atoms := lexInline(line)
	p := pairer{atoms: atoms}
	for m := range markers {
		// next[m][i] is the first atom at or after i that can close marker m.
		next := make([]int, len(atoms)+1)
		next[len(atoms)] = len(atoms)
		for i := len(atoms) - 1; i >= 0; i-- {
			next[i] = next[i+1]
			if a := atoms[i]; a.mark == markers[m].char && a.close {
				next[i] = i
			}
		}
		p.next[m] = next
	}
	return p.build(0, len(atoms), 0)
}

// pairer turns atoms into nodes, pairing each opener with the first closer of
// the same marker after it. A marker already open is not reopened inside
// itself, which bounds the nesting depth by the number of markers.
type pairer struct {
	atoms []atom
	next  [len(markers)][]int
}

func (p *pairer) build(lo, hi int, open uint8) []Node {
	var out []Node
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, Node{Kind: Text, Text: text.String()})
			text.Reset()
		}
	}
	for k := lo; k < hi; k++ {
		a := p.atoms[k]
		switch {
		case a.node != nil:
			flush()
			out = append(out, *a.node)
			continue
		case a.mark != 0 && a.open:
			m := markerIndex(a.mark)
			// The closer must leave at least one atom of content.
			if open&(1<<m) == 0 && k+2 <= hi {
				if j := p.next[m][k+2]; j < hi {
					flush()
					out = append(out, Node{Kind: markers[m].kind, Children: p.build(k+1, j, open|1<<m)})
					k = j
					continue
				}
			}
		}
		text.WriteString(a.text)
	}
	flush()
	return out
}

func markerIndex(c byte) int {
	for i, m := range markers {
		if m.char == c {
			return i
		}
	}
	return -1
}

// lexInline splits a line into atoms in one left-to-right pass. The searches
// for a closing '>' or '`' reuse their last answer while it still lies ahead,
// so a line full of unclosed '<' or '`' stays linear.
func lexInline(line string) []atom {
	var atoms []atom
	var gt, lt, tick cursor
	i, textStart := 0, 0
	flushText := func(end int) {
		if end > textStart {
			atoms = append(atoms, atom{text: line[textStart:end]})
		}
	}
	for i < len(line) {
		c := line[i]
		var a atom
		n := 0 // bytes consumed by a special atom; 0 means literal
		switch c {
		case '<':
			if j := gt.find(line, i+1, '>'); j >= 0 {
				if l := lt.find(line, i+1, '<'); l < 0 || l > j {
					if node, ok := parseToken(line[i+1 : j]); ok {
						a, n = atom{node: node}, j+1-i
						if node.Kind == Text {
							// Groups and dates read as plain text and may
							// merge with the text around them.
							a = atom{text: node.Text}
						}
					}
				}
			}
			if n == 0 {
				a, n = atom{text: "<"}, 1
			}
		case '&':
			if r, w := entityAt(line[i:]); w > 0 {
				a, n = atom{text: r}, w
			}
		case '`':
			run := 1
			for i+run < len(line) && line[i+run] == '`' {
				run++
			}
			if run == 1 {
				if j := tick.find(line, i+1, '`'); j > i+1 {
					code := decodeEntities(line[i+1 : j])
					a, n = atom{node: &Node{Kind: Code, Text: code}}, j+1-i
				}
			}
			if n == 0 {
				// A run of backticks that opens no code span is literal.
				a, n = atom{text: line[i : i+run]}, run
			}
		case ':':
			if prev, _ := utf8.DecodeLastRuneInString(line[:i]); i == 0 || !isWordRune(prev) {
				if name, w := emojiAt(line[i:]); w > 0 {
					a, n = atom{node: &Node{Kind: Emoji, Text: name}}, w
				}
			}
		case '*', '_', '~':
			a, n = markerAtom(line, i), 1
		}
		if n == 0 {
			i++
			continue
		}
		flushText(i)
		atoms = append(atoms, a)
		i += n
		textStart = i
	}
	flushText(len(line))
	return atoms
}

// markerAtom applies Slack's word-boundary rule: a marker opens at the start
// or after a non-word character when followed by a non-space, and closes
// after a non-space when followed by the end or a non-word character. So
// snake_case_name and 2*3*4 stay literal.
func markerAtom(line string, i int) atom {
	prev, _ := utf8.DecodeLastRuneInString(line[:i])
	next, _ := utf8.DecodeRuneInString(line[i+1:])
	atStart, atEnd := i == 0, i+1 == len(line)
	return atom{
		text:  line[i : i+1],
		mark:  line[i],
		open:  (atStart || !isWordRune(prev)) && !atEnd && !unicode.IsSpace(next),
		close: !atStart && !unicode.IsSpace(prev) && (atEnd || !isWordRune(next)),
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// cursor caches the position of the next occurrence of a byte. As the lexer
// only moves forward, each byte of the line is searched at most once.
type cursor struct {
	pos   int // position of the last found byte, or -1 for none left
	valid bool
}

func (c *cursor) find(s string, from int, b byte) int {
	if c.valid && (c.pos < 0 || c.pos >= from) {
		return c.pos
	}
	c.valid = true
	c.pos = strings.IndexByte(s[from:], b)
	if c.pos >= 0 {
		c.pos += from
	}
	return c.pos
}
