package richtext

import (
	"reflect"
	"testing"
)

func TestClone(t *testing.T) {
	orig := ParseMrkdwn("hi <@U1|ann>, *see <https://x.io|the _docs_>* > and\n> <@U2>\n- <@U3>")
	want := dump(orig)
	c := orig.Clone()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("clone differs:\n%s\nwant\n%s", dump(c), want)
	}
	c.Walk(func(n *Node) {
		if n.Kind == UserMention {
			n.ID, n.Text = "mapped", "Mapped"
		}
		n.Text += "!"
	})
	for i := range c.Nodes {
		if len(c.Nodes[i].Children) > 0 {
			c.Nodes[i].Children[0].Kind = Code
			c.Nodes[i].Children = append(c.Nodes[i].Children[:1], Node{Kind: Text, Text: "extra"})
		}
	}
	if got := dump(orig); got != want {
		t.Errorf("changing the clone changed the original:\n%s\nwant\n%s", got, want)
	}
	if empty := (Doc{}).Clone(); empty.Nodes != nil {
		t.Errorf("clone of empty doc has nodes %v", empty.Nodes)
	}
}
