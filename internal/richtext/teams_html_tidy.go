package richtext

import "strings"

// tidy normalises a line-level sequence the way a browser displays it:
// adjacent texts merge, whitespace runs fold, whitespace at the start and
// end of a line disappears, and formatting left empty goes. Doing this in
// the parser is what makes parse∘render a fixpoint: the renderer writes
// text as it is, so it must already be in displayed form.
func tidy(ns []Node) []Node { return tidySeq(ns, true) }

// tidySeq tidies a sequence; edges says whether its start and end are line
// edges (true for a block's content, false inside inline formatting, where
// a space at the edge separates it from its neighbours).
func tidySeq(ns []Node, edges bool) []Node {
	for i := range ns {
		if isInlineContainer(ns[i].Kind) {
			ns[i].Children = tidySeq(ns[i].Children, false)
		}
	}
	// Trimming can empty a node, which can put another at a line edge, so
	// repeat until nothing changes; each round removes a node or stops.
	for {
		ns = mergeTexts(ns)
		changed := false
		for i := range ns {
			atStart := (i == 0 && edges) || (i > 0 && breaksLine(ns[i-1]))
			atEnd := (i == len(ns)-1 && edges) || (i < len(ns)-1 && breaksLine(ns[i+1]))
			if atStart && trimEdge(&ns[i], true) {
				changed = true
			}
			if atEnd && trimEdge(&ns[i], false) {
				changed = true
			}
		}
		kept := ns[:0]
		for _, n := range ns {
			if isEmptyInline(n) {
				changed = true
				continue
			}
			kept = append(kept, n)
		}
		ns = kept
		if !changed {
			break
		}
	}
	if len(ns) == 0 {
		return nil
	}
	return ns
}

func isInlineContainer(k Kind) bool {
	return k == Bold || k == Italic || k == Strike || k == Link
}

func breaksLine(n Node) bool { return n.Kind == LineBreak || isBlock(n) }

// isEmptyInline reports nodes that show nothing. A link without a label
// still shows its URL.
func isEmptyInline(n Node) bool {
	switch n.Kind {
	case Text:
		return n.Text == ""
	case Bold, Italic, Strike:
		return len(n.Children) == 0
	}
	return false
}

// mergeTexts joins adjacent Text nodes and folds the whitespace the join
// may have doubled.
func mergeTexts(ns []Node) []Node {
	out := ns[:0]
	for _, n := range ns {
		if n.Kind == Text && len(out) > 0 && out[len(out)-1].Kind == Text {
			out[len(out)-1].Text = collapseSpace(out[len(out)-1].Text + n.Text)
			continue
		}
		out = append(out, n)
	}
	return out
}

// trimEdge removes the spaces at the start (or end) of n, descending into
// formatting; it reports whether anything changed.
func trimEdge(n *Node, start bool) bool {
	switch {
	case n.Kind == Text:
		var t string
		if start {
			t = strings.TrimLeft(n.Text, " ")
		} else {
			t = strings.TrimRight(n.Text, " ")
		}
		changed := t != n.Text
		n.Text = t
		return changed
	case isInlineContainer(n.Kind) && len(n.Children) > 0:
		i := 0
		if !start {
			i = len(n.Children) - 1
		}
		changed := trimEdge(&n.Children[i], start)
		if isEmptyInline(n.Children[i]) {
			n.Children = append(n.Children[:i:i], n.Children[i+1:]...)
			changed = true
		}
		if len(n.Children) == 0 {
			n.Children = nil
		}
		return changed
	}
	return false
}
