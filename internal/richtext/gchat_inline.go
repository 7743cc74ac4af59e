package richtext

import (
	"strings"
	"unicode/utf8"
)

// parseGChatInline parses one line of Chat text. It shares the marker
// pairing with mrkdwn: both platforms read *, _ and ~ with the same
// word-boundary rule.
func parseGChatInline(line string) []Node {
	if line == "" {
		return nil
	}
	atoms := lexGChatInline(line)
	p := pairer{atoms: atoms}
	for m := range markers {
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

// lexGChatInline splits a line into atoms in one pass; the cursors keep a
// line full of unclosed '<' or '`' linear.
func lexGChatInline(line string) []atom {
	var atoms []atom
	var gt, lt, tick cursor
	i, textStart := 0, 0
	for i < len(line) {
		var a atom
		n := 0
		switch line[i] {
		case '<':
			if j := gt.find(line, i+1, '>'); j >= 0 {
				if l := lt.find(line, i+1, '<'); l < 0 || l > j {
					if node, ok := parseGChatToken(line[i+1 : j]); ok {
						a, n = atom{node: node}, j+1-i
					}
				}
			}
		case '`':
			run := 1
			for i+run < len(line) && line[i+run] == '`' {
				run++
			}
			if run == 1 {
				if j := tick.find(line, i+1, '`'); j > i+1 {
					a, n = atom{node: &Node{Kind: Code, Text: line[i+1 : j]}}, j+1-i
				}
			}
			if n == 0 {
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
		if i > textStart {
			atoms = append(atoms, atom{text: line[textStart:i]})
		}
		atoms = append(atoms, a)
		i += n
		textStart = i
	}
	if len(line) > textStart {
		atoms = append(atoms, atom{text: line[textStart:]})
	}
	return atoms
}

// parseGChatToken parses the inside of <…>: a user mention or a link. ok is
// false otherwise, and the '<' is literal.
func parseGChatToken(raw string) (*Node, bool) {
	if id, ok := strings.CutPrefix(raw, "users/"); ok {
		switch {
		case id == "all":
			return &Node{Kind: Broadcast, Text: "channel"}, true
		case isGChatUserID(id):
			return &Node{Kind: UserMention, ID: raw}, true
		}
		return nil, false
	}
	body, label, _ := strings.Cut(raw, "|")
	if !isURL(body) {
		return nil, false
	}
	n := &Node{Kind: Link, URL: body}
	if label != "" {
		n.Children = []Node{{Kind: Text, Text: label}}
	}
	return n, true
}

// isGChatUserID accepts the ID part of a user resource name: Chat's
// numeric IDs, and the email alias requests may use (users/a@b.example).
func isGChatUserID(s string) bool {
	if s == "" || len(s) > 320 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("@.-_+", c) >= 0) {
			return false
		}
	}
	return true
}
