package webex

import (
	"html"
	"regexp"
	"strings"
)

// maxTextBytes is Webex's limit for each of text, markdown and html.
const maxTextBytes = 7439

// mentionRE matches the mention forms Webex markdown accepts.
var mentionRE = regexp.MustCompile(`<@(personEmail|personId):([^|>]+)(?:\|([^>]*))?>|<@all>`)

// Markup the emulator strips to derive a message's plain text, as Webex
// does when only markdown is sent. It is deliberately simple and
// independent of Parley's own parser.
var (
	linkRE     = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]+)\)`)
	emphasisRE = regexp.MustCompile("\\*\\*|__|~~|`")
	escapeRE   = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)
)

// mentions finds the mentions in markdown, as submatch indexes. A '<'
// escaped with a backslash is a literal '<' in Markdown, so what follows
// it mentions nobody.
func mentions(markdown string) [][]int {
	var out [][]int
	for _, loc := range mentionRE.FindAllStringSubmatchIndex(markdown, -1) {
		n := 0
		for i := loc[0] - 1; i >= 0 && markdown[i] == '\\'; i-- {
			n++
		}
		if n%2 == 0 {
			out = append(out, loc)
		}
	}
	return out
}

// mentionsIn resolves the people and groups markdown mentions. resolve
// maps an email or person ID to a person ID, "" when unknown.
func mentionsIn(markdown string, resolve func(kind, v string) string) (people, groups []string) {
	seen := map[string]bool{}
	for _, loc := range mentions(markdown) {
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = markdown[loc[2*i]:loc[2*i+1]]
			}
		}
		if m[0] == "<@all>" {
			if !seen["all"] {
				groups = append(groups, "all")
				seen["all"] = true
			}
			continue
		}
		if id := resolve(m[1], m[2]); id != "" && !seen[id] {
			people = append(people, id)
			seen[id] = true
		}
	}
	return people, groups
}

// plainOf derives the text Webex shows for markdown: mentions become the
// name, links "label (url)", emphasis markers go.
func plainOf(markdown string) string {
	var b strings.Builder
	last := 0
	for _, loc := range mentions(markdown) {
		b.WriteString(markdown[last:loc[0]])
		switch {
		case markdown[loc[0]:loc[1]] == "<@all>":
			b.WriteString("All")
		case loc[6] >= 0 && loc[7] > loc[6]:
			b.WriteString(markdown[loc[6]:loc[7]])
		default:
			b.WriteString(markdown[loc[4]:loc[5]])
		}
		last = loc[1]
	}
	b.WriteString(markdown[last:])
	s := b.String()
	s = linkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRE.FindStringSubmatch(m)
		if sub[1] == "" || sub[1] == sub[2] {
			return sub[2]
		}
		return sub[1] + " (" + sub[2] + ")"
	})
	// Escaped markers stay as text: hide them from the emphasis pass.
	const hold = "\x00"
	s = escapeRE.ReplaceAllStringFunc(s, func(m string) string { return hold + m[1:] })
	s = emphasisRE.ReplaceAllStringFunc(s, func(string) string { return "" })
	return strings.ReplaceAll(s, hold, "")
}

// htmlOf renders markdown as the html field: escaped text in a paragraph,
// mentions as <spark-mention> elements the way Webex clients produce them.
func htmlOf(markdown string, resolve func(kind, v string) string) string {
	var b strings.Builder
	b.WriteString("<p>")
	last := 0
	for _, loc := range mentions(markdown) {
		b.WriteString(html.EscapeString(markdown[last:loc[0]]))
		m := markdown[loc[0]:loc[1]]
		if m == "<@all>" {
			b.WriteString(`<spark-mention data-object-type="groupMention" data-group-type="all">All</spark-mention>`)
		} else {
			kind, v := markdown[loc[2]:loc[3]], markdown[loc[4]:loc[5]]
			name := v
			if loc[6] >= 0 && loc[7] > loc[6] {
				name = markdown[loc[6]:loc[7]]
			}
			b.WriteString(`<spark-mention data-object-type="person" data-object-id="` +
				html.EscapeString(resolve(kind, v)) + `">` + html.EscapeString(name) + `</spark-mention>`)
		}
		last = loc[1]
	}
	b.WriteString(html.EscapeString(markdown[last:]))
	b.WriteString("</p>")
	return strings.ReplaceAll(b.String(), "\n", "<br/>")
}
