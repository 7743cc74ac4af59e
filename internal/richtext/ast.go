package richtext

import "log/slog"

// Kind is the kind of a Node.
type Kind uint8

// Node kinds. Inline containers (Bold, Italic, Strike, Link) hold Children;
// leaves use Text. Block nodes (CodeBlock, Quote, List) appear at the top
// level of a Doc or inside a Quote or ListItem.
const (
	Text           Kind = iota // Text: literal text, unescaped
	Bold                       // Children
	Italic                     // Children
	Strike                     // Children
	Code                       // Text: inline code
	CodeBlock                  // Text: preformatted block; Lang may name the language
	Quote                      // Children: a block quote
	List                       // Children are ListItem nodes; Ordered says numbered
	ListItem                   // Children
	Link                       // URL; Children are the label (none: show the URL)
	UserMention                // ID: platform user ID; Text: display name if known
	ChannelMention             // ID: platform channel ID; Text: channel name if known
	Broadcast                  // Text: "here", "channel" or "everyone"
	Emoji                      // Text: short name without colons, e.g. "thumbsup"
	LineBreak                  // a hard line break
)

// Node is one element of a rich-text tree.
type Node struct {
	Kind     Kind   `json:"k"`
	Text     string `json:"t,omitempty"`
	URL      string `json:"u,omitempty"`
	ID       string `json:"id,omitempty"`
	Lang     string `json:"l,omitempty"`
	Ordered  bool   `json:"o,omitempty"`
	Children []Node `json:"c,omitempty"`
}

// Doc is a message body. It is content: it must never be logged, so LogValue
// prints only its size.
type Doc struct {
	Nodes []Node `json:"n,omitempty"`
}

// LogValue redacts the document.
func (d Doc) LogValue() slog.Value {
	return slog.StringValue("[content redacted]")
}

// IsEmpty reports whether the document has no nodes.
func (d Doc) IsEmpty() bool { return len(d.Nodes) == 0 }

// Walk calls fn for every node in depth-first order. fn may modify the node
// in place (for example to map a mention's ID to another platform).
func (d *Doc) Walk(fn func(*Node)) {
	var walk func([]Node)
	walk = func(ns []Node) {
		for i := range ns {
			fn(&ns[i])
			walk(ns[i].Children)
		}
	}
	walk(d.Nodes)
}
