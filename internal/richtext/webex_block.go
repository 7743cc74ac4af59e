package richtext

import (
	"strings"
)

// webexListItem recognises a list line: "- x", "* x", "+ x" or "12. x"
// ("12) x" too). It returns whether the list is ordered and the item text.
func webexListItem(line string) (ordered bool, rest string, ok bool) {
	if len(line) >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ' {
		return false, line[2:], true
	}
	i := 0
	for i < len(line) && i < 9 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' ' {
		return true, line[i+2:], true
	}
	return false, "", false
}

// parseWebexBlocks splits s into blocks. Quotes are recognised only at the
// top level: their content is parsed with quotes off, which bounds depth.
func parseWebexBlocks(s string, quotes bool) []Node {
	lines := strings.Split(s, "\n")
	var out []Node
	inlineRun := false // whether the previous line was an inline line
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, fence):
			end := -1
			for j := i + 1; j < len(lines); j++ {
				if strings.TrimRight(lines[j], " \t") == fence {
					end = j
					break
				}
			}
			if end < 0 {
				break
			}
			n := Node{Kind: CodeBlock, Text: strings.Join(lines[i+1:end], "\n")}
			if lang := strings.TrimSpace(line[len(fence):]); lang != "" && !strings.ContainsAny(lang, "` \t") {
				n.Lang = lang
			}
			out = append(out, n)
			i, inlineRun = end+1, false
			continue
		case quotes && strings.HasPrefix(line, ">"):
			var inner []string
			for ; i < len(lines) && strings.HasPrefix(lines[i], ">"); i++ {
				l := lines[i][1:]
				inner = append(inner, strings.TrimPrefix(l, " "))
			}
			out = append(out, Node{Kind: Quote, Children: parseWebexBlocks(strings.Join(inner, "\n"), false)})
			inlineRun = false
			continue
		}
		if ordered, _, ok := webexListItem(line); ok {
			list := Node{Kind: List, Ordered: ordered}
			for ; i < len(lines); i++ {
				o, rest, ok := webexListItem(lines[i])
				if !ok || o != ordered {
					break
				}
				list.Children = append(list.Children, Node{Kind: ListItem, Children: parseWebexInline(rest, allInline)})
			}
			out = append(out, list)
			inlineRun = false
			continue
		}
		if inlineRun {
			out = append(out, Node{Kind: LineBreak})
		}
		out = append(out, parseWebexInline(line, allInline)...)
		inlineRun = true
		i++
	}
	return out
}
