package richtext

import (
	"html"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
)

// TeamsMention is one mention in a Teams message: the entity that goes with
// an <at> tag. ID is the mentioned user's Teams ID ("29:…") or AAD object
// ID; Name is the text between the tags; Text is the exact <at>…</at> markup
// as it appears in the message, which Teams requires the entity to repeat.
type TeamsMention struct {
	ID   string
	Name string
	Text string
}

// maxTeamsDepth bounds element nesting: deeper tags are ignored (their text
// is kept), so hostile input cannot make the converter recurse without end.
const maxTeamsDepth = 64

// element is one node of the loose tree built from Teams HTML before it is
// converted to the AST.
type element struct {
	tag   string // "" for text
	text  string // text nodes only, entities decoded
	attrs map[string]string
	kids  []*element
}

// ParseTeamsHTML parses the HTML subset Teams uses for message bodies (the
// activity text with textFormat xml, the text/html attachment, Graph's
// chatMessage body). mentions resolves <at> tags: <at id="N"> takes the
// mention at index N (Graph numbers them); a bare <at>, as the Bot
// Framework sends it, takes the next unused mention whose entity text or
// name matches. An
// <at> that resolves to nothing reads as its name. Unknown tags are transparent; script and style are dropped; links
// keep only http, https and mailto targets. It never fails.
func ParseTeamsHTML(s string, mentions ...TeamsMention) Doc {
	root := buildTeamsTree(s)
	c := converter{mentions: mentions, used: make([]bool, len(mentions))}
	return Doc{Nodes: c.blocks(root.kids)}
}

// voidTags never have content or an end tag.
var voidTags = map[string]bool{"br": true, "img": true, "hr": true, "input": true, "meta": true, "link": true, "wbr": true, "col": true, "source": true}

// buildTeamsTree tokenizes s into a tree, tolerating misnesting: an end tag
// closes the nearest open element of its name and anything opened inside
// it; an end tag with no open element is ignored.
func buildTeamsTree(s string) *element {
	root := &element{tag: "#root"}
	stack := []*element{root}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return root
		case xhtml.TextToken:
			top := stack[len(stack)-1]
			top.kids = append(top.kids, &element{text: string(z.Text())})
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			el := &element{tag: string(name)}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if el.attrs == nil {
					el.attrs = map[string]string{}
				}
				if _, dup := el.attrs[string(k)]; !dup {
					el.attrs[string(k)] = string(v)
				}
			}
			top := stack[len(stack)-1]
			if len(stack) > maxTeamsDepth {
				continue
			}
			top.kids = append(top.kids, el)
			if tt == xhtml.StartTagToken && !voidTags[el.tag] {
				stack = append(stack, el)
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].tag == string(name) {
					stack = stack[:i]
					break
				}
			}
		}
	}
}

// textContent is all the text under e, as written.
func textContent(e *element) string {
	var b strings.Builder
	var walk func(*element)
	walk = func(e *element) {
		if e.tag == "" {
			b.WriteString(e.text)
			return
		}
		if e.tag == "br" {
			b.WriteByte('\n')
		}
		for _, k := range e.kids {
			walk(k)
		}
	}
	walk(e)
	return b.String()
}

// converter turns the tree into AST nodes, resolving mentions in order.
type converter struct {
	mentions []TeamsMention
	used     []bool
}

// resolve finds the mention an <at> tag stands for.
func (c *converter) resolve(e *element, name string) (TeamsMention, bool) {
	idx, ok := e.attrs["id"]
	if !ok {
		idx, ok = e.attrs["itemid"] // the <span> form
	}
	if ok {
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < len(c.mentions) {
			c.used[i] = true
			return c.mentions[i], true
		}
	}
	for i, m := range c.mentions {
		if !c.used[i] && (strings.EqualFold(mentionTagText(m.Text), name) || strings.EqualFold(strings.TrimSpace(m.Name), name)) {
			c.used[i] = true
			return m, true
		}
	}
	for i, m := range c.mentions {
		if !c.used[i] && m.Name == "" {
			c.used[i] = true
			return m, true
		}
	}
	return TeamsMention{}, false
}

// mentionTagText is the name inside an entity's "<at>Name</at>", which
// may be shorter than the person's full name (Teams lets people trim it).
func mentionTagText(s string) string {
	s, ok := strings.CutPrefix(s, "<at>")
	if !ok {
		return ""
	}
	s, ok = strings.CutSuffix(s, "</at>")
	if !ok {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(s))
}
