package richtext

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Split cuts d into parts that each satisfy fits, in order, for platforms
// that cap a message's size. fits measures a part as the destination would
// render it, so the limit is the platform's own (characters, bytes, payload).
//
// Cuts are made at the coarsest boundary that works: between blocks (and
// paragraphs), then at line breaks (and list items, code lines), then
// between words, and only as a last resort inside a word too long for a
// part. Mentions, links, emoji and inline code spans are atoms and are never
// cut: a relayed mention must stay a mention. A code block too long for one
// part is cut by lines, and each part of it is still a code block.
// Formatting (bold, quotes, lists) is repeated on both sides of a cut.
//
// A document that fits is returned as is. An atom that does not fit even
// alone becomes a part of its own, which the platform may refuse; nothing is
// dropped.
func Split(d Doc, fits func(Doc) bool) []Doc {
	if fits(d) {
		return []Doc{d}
	}
	s := &splitter{fits: fits}
	s.blocks(d.Nodes, nil, cutBlock)
	s.settle()
	s.pack(0, len(s.pieces), cutBlock)
	s.flush()
	if len(s.parts) == 0 {
		return []Doc{d}
	}
	return s.parts
}

// cut is the strength of the boundary before a piece; lower is preferred.
type cut uint8

const (
	cutBlock cut = iota // between blocks or paragraphs
	cutLine             // at a line break, list item or code line
	cutWord             // at whitespace
	cutChar             // inside a word: between adjacent inline nodes
	cutNone             // not decided yet (settle decides word or char)
)

// piece is one indivisible (or, for text, rune-divisible) leaf of the
// document, with the containers it sits in. Containers are identified by
// their address in the original document, so consecutive pieces of one
// container are rebuilt into one node.
type piece struct {
	path   []*Node
	node   Node
	origin *Node // the Text or CodeBlock this is a fragment of; nil for atoms
	before cut
}

type splitter struct {
	fits   func(Doc) bool
	pieces []piece
	next   cut // the boundary before the next piece flattened
	parts  []Doc
	cur    []piece
}

// mark notes a boundary of strength c before the next piece.
func (s *splitter) mark(c cut) {
	if c < s.next {
		s.next = c
	}
}

func (s *splitter) emit(p piece) {
	p.before = s.next
	s.next = cutNone
	s.pieces = append(s.pieces, p)
}

// blocks flattens a sequence that may mix blocks and inline nodes; c is the
// strength of a boundary next to a block at this depth.
func (s *splitter) blocks(ns []Node, path []*Node, c cut) {
	for i := range ns {
		n := &ns[i]
		if i > 0 && (isBlock(*n) || isBlock(ns[i-1])) {
			s.mark(c)
		}
		s.node(n, path, c)
	}
}

func (s *splitter) node(n *Node, path []*Node, c cut) {
	inner := append(path[:len(path):len(path)], n)
	switch n.Kind {
	case Text:
		for _, w := range words(n.Text) {
			s.emit(piece{path: path, node: Node{Kind: Text, Text: w}, origin: n})
		}
	case CodeBlock:
		lines := strings.SplitAfter(n.Text, "\n")
		for i, l := range lines {
			if l == "" && i > 0 {
				continue // the empty remainder after a final newline
			}
			if i > 0 {
				s.mark(cutLine)
			}
			s.emit(piece{path: path, node: Node{Kind: CodeBlock, Text: l, Lang: n.Lang}, origin: n})
		}
	case LineBreak:
		blank := len(s.pieces) > 0 && s.pieces[len(s.pieces)-1].node.Kind == LineBreak
		s.emit(piece{path: path, node: *n})
		if blank {
			s.mark(c) // a blank line ends a paragraph
		} else {
			s.mark(cutLine)
		}
	case Bold, Italic, Strike:
		if len(n.Children) == 0 {
			s.emit(piece{path: path, node: *n})
			return
		}
		for i := range n.Children {
			s.node(&n.Children[i], inner, c)
		}
	case Quote, ListItem:
		if len(n.Children) == 0 {
			s.emit(piece{path: path, node: *n})
			return
		}
		s.blocks(n.Children, inner, cutLine)
	case List:
		if len(n.Children) == 0 {
			s.emit(piece{path: path, node: *n})
			return
		}
		for i := range n.Children {
			if i > 0 {
				s.mark(cutLine)
			}
			s.node(&n.Children[i], inner, cutLine)
		}
	default:
		// Code, Link, mentions, Broadcast, Emoji: atoms, kept whole.
		s.emit(piece{path: path, node: Node{Kind: n.Kind, Text: n.Text, URL: n.URL, ID: n.ID, Lang: n.Lang, Ordered: n.Ordered, Children: cloneNodes(n.Children)}})
	}
}

// settle decides the boundaries flattening left open: between words where
// there is whitespace, inside a word where there is none.
func (s *splitter) settle() {
	for i := range s.pieces {
		p := &s.pieces[i]
		if p.before != cutNone {
			continue
		}
		p.before = cutChar
		if i > 0 && (endsSpace(s.pieces[i-1].node) || startsSpace(p.node)) {
			p.before = cutWord
		}
	}
}

// pack adds pieces[lo:hi] to the parts, cutting at boundaries of strength c
// where it can and at finer ones only inside a unit that cannot fit alone.
func (s *splitter) pack(lo, hi int, c cut) {
	units := s.units(lo, hi, c)
	for len(units) > 0 {
		// The largest number of whole units that still fit in the part.
		k := fitting(len(units), func(k int) bool {
			return s.fitsWith(s.pieces[units[0][0]:units[k-1][1]])
		})
		if k > 0 {
			s.cur = append(s.cur, s.pieces[units[0][0]:units[k-1][1]]...)
			units = units[k:]
		}
		if len(units) == 0 {
			return
		}
		u := units[0]
		if len(s.cur) > 0 && s.fitsAlone(s.pieces[u[0]:u[1]]) {
			s.flush() // it fits in a part of its own: start one
			continue
		}
		units = units[1:]
		if u[1]-u[0] > 1 {
			s.pack(u[0], u[1], c+1)
		} else {
			s.cutPiece(s.pieces[u[0]])
		}
	}
}

// fitting returns the largest k in [0, n] for which ok(k) holds, where ok
// says whether a prefix of k candidates fits and ok(0) holds. It gallops
// before it bisects, so that its cost follows the size of a part rather
// than of the whole remaining message.
func fitting(n int, ok func(k int) bool) int {
	hi := 1
	for hi <= n && ok(hi) {
		hi *= 2
	}
	lo := hi / 2 // ok(lo), or lo is 0
	top := min(hi-1, n)
	return lo + sort.Search(top-lo, func(i int) bool { return !ok(lo + 1 + i) })
}

// units groups pieces[lo:hi] at every boundary of strength c or stronger.
func (s *splitter) units(lo, hi int, c cut) [][2]int {
	var out [][2]int
	start := lo
	for i := lo + 1; i < hi; i++ {
		if s.pieces[i].before <= c {
			out = append(out, [2]int{start, i})
			start = i
		}
	}
	if lo < hi {
		out = append(out, [2]int{start, hi})
	}
	return out
}

// cutPiece places a single piece that does not fit next to what the part
// holds: text is cut between runes (never inside a character's combining
// marks); an atom gets a part of its own.
func (s *splitter) cutPiece(p piece) {
	for {
		if s.fitsWith([]piece{p}) {
			s.cur = append(s.cur, p)
			return
		}
		bounds := runeCuts(p.node.Text)
		if (p.node.Kind != Text && p.node.Kind != CodeBlock) || len(bounds) == 0 {
			s.flush()
			s.cur = append(s.cur, p)
			s.flush()
			return
		}
		k := fitting(len(bounds), func(k int) bool {
			head := p
			head.node.Text = p.node.Text[:bounds[k-1]]
			return s.fitsWith([]piece{head})
		})
		if k == 0 {
			if len(s.cur) > 0 {
				s.flush()
				continue
			}
			k = 1 // not even one character fits: cut after one anyway
		}
		head, tail := p, p
		head.node.Text = p.node.Text[:bounds[k-1]]
		tail.node.Text = p.node.Text[bounds[k-1]:]
		tail.before = cutChar
		s.cur = append(s.cur, head)
		s.flush()
		p = tail
	}
}

// runeCuts lists the byte offsets strictly inside text where a cut keeps
// every character whole: not before a combining mark, a variation selector
// or a zero-width joiner, nor after a joiner.
func runeCuts(text string) []int {
	var out []int
	prev := rune(-1)
	for i, r := range text {
		if i > 0 && !joins(r) && prev != '\u200d' {
			out = append(out, i)
		}
		prev = r
	}
	return out
}

func joins(r rune) bool {
	return unicode.Is(unicode.M, r) || r == '\u200d' || (r >= '\ufe00' && r <= '\ufe0f') || (r >= 0x1f3fb && r <= 0x1f3ff)
}

func (s *splitter) fitsWith(more []piece) bool {
	all := make([]piece, 0, len(s.cur)+len(more))
	return s.fits(build(append(append(all, s.cur...), more...)))
}

func (s *splitter) fitsAlone(ps []piece) bool { return s.fits(build(ps)) }

// flush closes the current part.
func (s *splitter) flush() {
	if d := build(s.cur); !d.IsEmpty() {
		s.parts = append(s.parts, d)
	}
	s.cur = nil
}

// words cuts text after each run of whitespace, so every word carries the
// space that follows it.
func words(text string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range text {
		sp := unicode.IsSpace(r)
		if inSpace && !sp {
			out = append(out, text[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func endsSpace(n Node) bool {
	r, _ := utf8.DecodeLastRuneInString(n.Text)
	return n.Kind == Text && n.Text != "" && unicode.IsSpace(r)
}

func startsSpace(n Node) bool {
	r, _ := utf8.DecodeRuneInString(n.Text)
	return n.Kind == Text && n.Text != "" && unicode.IsSpace(r)
}
