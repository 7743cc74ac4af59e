package richtext

import (
	"strings"
	"unicode"
)

// build turns a run of pieces back into a document: consecutive pieces of
// one container share one copy of it, and consecutive fragments of one text
// or code block are joined. The run is trimmed first, because whitespace
// at a cut is noise and, at the end of bold text, breaks the markup of
// some dialects ("*word *" is not bold in mrkdwn).
func build(ps []piece) Doc {
	ps = trimPieces(ps)
	root := &bnode{}
	stack := []*bnode{root}
	for _, p := range ps {
		shared := 0
		for shared < len(p.path) && shared+1 < len(stack) && stack[shared+1].orig == p.path[shared] {
			shared++
		}
		stack = stack[:shared+1]
		for _, c := range p.path[shared:] {
			n := &bnode{orig: c, n: Node{Kind: c.Kind, Text: c.Text, URL: c.URL, ID: c.ID, Lang: c.Lang, Ordered: c.Ordered}}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		}
		top := stack[len(stack)-1]
		if k := len(top.kids); k > 0 && p.origin != nil && top.kids[k-1].orig == p.origin {
			top.kids[k-1].n.Text += p.node.Text
			continue
		}
		top.kids = append(top.kids, &bnode{orig: p.origin, n: p.node, leaf: true})
	}
	return Doc{Nodes: root.nodes()}
}

// bnode is a node being rebuilt; orig is the original it copies.
type bnode struct {
	orig *Node
	n    Node
	leaf bool
	kids []*bnode
}

func (b *bnode) nodes() []Node {
	if len(b.kids) == 0 {
		return nil
	}
	out := make([]Node, len(b.kids))
	for i, k := range b.kids {
		out[i] = k.n
		if !k.leaf {
			out[i].Children = k.nodes()
		}
	}
	return out
}

// trimPieces drops the line breaks and whitespace at both ends of a part,
// and the newline a cut code block would otherwise end with.
func trimPieces(ps []piece) []piece {
	for len(ps) > 0 {
		p := ps[0]
		if p.node.Kind == LineBreak || p.node.Kind == Text && strings.TrimSpace(p.node.Text) == "" {
			ps = ps[1:]
			continue
		}
		if p.node.Kind == Text {
			if t := strings.TrimLeftFunc(p.node.Text, unicode.IsSpace); t != p.node.Text {
				p.node.Text = t
				ps = append([]piece{p}, ps[1:]...)
			}
		}
		break
	}
	for len(ps) > 0 {
		last := len(ps) - 1
		p := ps[last]
		if p.node.Kind == LineBreak || p.node.Kind == Text && strings.TrimSpace(p.node.Text) == "" {
			ps = ps[:last]
			continue
		}
		var t string
		switch p.node.Kind {
		case Text:
			t = strings.TrimRightFunc(p.node.Text, unicode.IsSpace)
		case CodeBlock:
			t = strings.TrimRight(p.node.Text, "\n")
		default:
			return ps
		}
		if t == "" {
			ps = ps[:last]
			continue
		}
		if t != p.node.Text {
			p.node.Text = t
			ps = append(ps[:last:last], p)
		}
		break
	}
	return ps
}
