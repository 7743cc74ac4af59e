package richtext

// Clone returns a deep copy of the document. The router maps mentions per
// destination by editing nodes in place (Walk); each destination needs its
// own copy so that one mapping never leaks into another.
func (d Doc) Clone() Doc {
	return Doc{Nodes: cloneNodes(d.Nodes)}
}

func cloneNodes(ns []Node) []Node {
	if ns == nil {
		return nil
	}
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = n
		out[i].Children = cloneNodes(n.Children)
	}
	return out
}
