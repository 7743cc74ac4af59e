package richtext

import (
	"strings"
)

// paragraphTags separate their content from what is around it by a line
// break; the AST has no paragraph node.
var paragraphTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "section": true, "article": true, "header": true,
	"footer": true, "table": true, "tbody": true, "thead": true, "tr": true,
	"hr": true,
}

// droppedTags never show their content.
var droppedTags = map[string]bool{"script": true, "style": true, "head": true, "title": true, "template": true}

// blocks converts a sequence of elements at block level (the body, a quote).
func (c *converter) blocks(kids []*element) []Node {
	var out []Node
	pendingBreak := false // a paragraph ended: the next content starts a line
	add := func(ns ...Node) {
		if len(ns) == 0 {
			return
		}
		lineStart := len(out) == 0 || breaksLine(out[len(out)-1])
		if len(ns) == 1 && ns[0].Kind == Text && strings.Trim(ns[0].Text, " ") == "" && (lineStart || pendingBreak) {
			// Indentation between blocks shows nothing.
			return
		}
		if pendingBreak && !lineStart && !isBlock(ns[0]) {
			out = append(out, Node{Kind: LineBreak})
		}
		pendingBreak = false
		out = append(out, ns...)
	}
	for _, k := range kids {
		switch {
		case k.tag == "blockquote":
			add(Node{Kind: Quote, Children: c.blocks(k.kids)})
		case k.tag == "ul" || k.tag == "ol":
			if l, ok := c.list(k); ok {
				add(l)
			}
		case k.tag == "li":
			if item, ok := c.item(k); ok {
				add(Node{Kind: List, Children: []Node{item}})
			}
		case k.tag == "pre" || k.tag == "codeblock":
			add(codeBlock(k))
		case paragraphTags[k.tag]:
			inner := c.blocks(k.kids)
			pendingBreak = true
			add(inner...)
			pendingBreak = true
		default:
			add(c.inline(k)...)
		}
	}
	return tidy(out)
}

func (c *converter) list(e *element) (Node, bool) {
	l := Node{Kind: List, Ordered: e.tag == "ol"}
	for _, k := range e.kids {
		var item Node
		var ok bool
		if k.tag == "li" {
			item, ok = c.item(k)
		} else {
			item, ok = c.item(&element{tag: "li", kids: []*element{k}})
		}
		if ok {
			l.Children = append(l.Children, item)
		}
	}
	return l, len(l.Children) > 0
}

// item converts a list item to one line of inline content: the renderers
// write an item on one line, so nested blocks read as their text.
func (c *converter) item(e *element) (Node, bool) {
	var ns []Node
	for _, k := range e.kids {
		if paragraphTags[k.tag] || k.tag == "blockquote" || k.tag == "ul" || k.tag == "ol" || k.tag == "li" || k.tag == "pre" || k.tag == "codeblock" {
			if len(ns) > 0 {
				ns = append(ns, Node{Kind: Text, Text: " "})
			}
			ns = append(ns, c.flat(k)...)
			continue
		}
		ns = append(ns, c.inline(k)...)
	}
	ns = tidy(ns)
	return Node{Kind: ListItem, Children: ns}, len(ns) > 0
}

// flat converts any element as inline content, blocks included.
func (c *converter) flat(e *element) []Node {
	if e.tag == "pre" || e.tag == "codeblock" {
		return []Node{{Kind: Code, Text: collapseSpace(textContent(e))}}
	}
	if e.tag == "" || !paragraphTags[e.tag] && e.tag != "blockquote" && e.tag != "ul" && e.tag != "ol" && e.tag != "li" {
		return c.inline(e)
	}
	var ns []Node
	for _, k := range e.kids {
		if len(ns) > 0 && k.tag != "" {
			ns = append(ns, Node{Kind: Text, Text: " "})
		}
		ns = append(ns, c.flat(k)...)
	}
	return ns
}

func codeBlock(e *element) Node {
	text := textContent(e)
	text = strings.TrimPrefix(text, "\n") // as HTML does after <pre>
	lang := codeLang(e.attrs["class"])
	if lang == "" {
		for _, k := range e.kids {
			if k.tag == "code" {
				lang = codeLang(k.attrs["class"])
				break
			}
		}
	}
	return Node{Kind: CodeBlock, Text: text, Lang: lang}
}

// codeLang reads a language from a class attribute ("language-go", or
// Teams' bare "JavaScript"), keeping only characters safe in any dialect.
func codeLang(class string) string {
	class = strings.TrimSpace(class)
	if i := strings.IndexByte(class, ' '); i >= 0 {
		class = class[:i]
	}
	class = strings.TrimPrefix(class, "language-")
	var b strings.Builder
	for _, r := range class {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+-_#.", r)) {
			b.WriteRune(r)
		}
	}
	if b.Len() > 32 {
		return ""
	}
	return b.String()
}

// inline converts one element in inline context.
func (c *converter) inline(e *element) []Node {
	if e.tag == "" {
		return []Node{{Kind: Text, Text: collapseSpace(e.text)}}
	}
	if droppedTags[e.tag] {
		return nil
	}
	kids := func() []Node {
		var ns []Node
		for _, k := range e.kids {
			ns = append(ns, c.inline(k)...)
		}
		return ns
	}
	wrap := func(k Kind) []Node {
		ns := kids()
		if len(ns) == 0 {
			return nil
		}
		return []Node{{Kind: k, Children: ns}}
	}
	switch e.tag {
	case "strong", "b":
		return wrap(Bold)
	case "em", "i":
		return wrap(Italic)
	case "s", "strike", "del":
		return wrap(Strike)
	case "code":
		if t := collapseSpace(textContent(e)); t != "" {
			return []Node{{Kind: Code, Text: t}}
		}
		return nil
	case "br":
		return []Node{{Kind: LineBreak}}
	case "a":
		if u, ok := safeURL(e.attrs["href"]); ok {
			return []Node{{Kind: Link, URL: u, Children: kids()}}
		}
		return kids()
	case "at":
		return c.mention(e)
	case "span":
		// Teams' own text/html copy marks a person's mention as
		// <span itemtype="http://schema.skype.com/Mention" itemid="N">,
		// N indexing the activity's entities.
		if strings.Contains(e.attrs["itemtype"], "schema.skype.com/Mention") {
			return c.mention(e)
		}
		return kids()
	case "emoji":
		return emojiNode(e.attrs["alt"], e.attrs["id"])
	case "img":
		if strings.Contains(e.attrs["itemtype"], "schema.skype.com/Emoji") {
			return emojiNode(e.attrs["alt"], e.attrs["itemid"])
		}
		// Inline pictures travel as files; their markup carries nothing.
		return nil
	case "blockquote", "ul", "ol", "li", "pre", "codeblock":
		return c.flat(e)
	}
	if paragraphTags[e.tag] {
		return c.flat(e)
	}
	return kids()
}

// emojiNode reads Teams' emoji markup: alt holds the character, id Teams'
// own name for it.
func emojiNode(alt, id string) []Node {
	if alt != "" {
		if n := TeamsEmojiName(alt); n != alt {
			return []Node{{Kind: Emoji, Text: n}}
		}
		return []Node{{Kind: Text, Text: alt}}
	}
	if id != "" {
		if _, ok := TeamsEmojiChar(id); ok {
			return []Node{{Kind: Emoji, Text: id}}
		}
	}
	return nil
}

// safeURL accepts only links a person can follow without harm.
func safeURL(u string) (string, bool) {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	for _, p := range []string{"https://", "http://", "mailto:"} {
		if strings.HasPrefix(lower, p) && len(u) > len(p) && !strings.ContainsAny(u, " \t\n\r\x00") {
			return u, true
		}
	}
	return "", false
}

// collapseSpace folds runs of HTML whitespace into one space, as a browser
// shows them.
func collapseSpace(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\f") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// mention converts an <at> or mention <span> into a UserMention when the
// activity's entities name the person, or their plain name otherwise.
func (c *converter) mention(e *element) []Node {
	name := strings.TrimSpace(collapseSpace(textContent(e)))
	if m, ok := c.resolve(e, name); ok && m.ID != "" {
		if name == "" {
			name = m.Name
		}
		return []Node{{Kind: UserMention, ID: m.ID, Text: name}}
	}
	if name == "" {
		return nil
	}
	return []Node{{Kind: Text, Text: name}}
}
