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

// mentionsIn resolves the people and groups markdown mentions. resolve
// maps an email or person ID to a person ID, "" when unknown.
func mentionsIn(markdown string, resolve func(kind, v string) string) (people, groups []string) {
	seen := map[string]bool{}
	for _, m := range mentionRE.FindAllStringSubmatch(markdown, -1) {
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
	s := mentionRE.ReplaceAllStringFunc(markdown, func(m string) string {
		if m == "<@all>" {
			return "All"
		}
		sub := mentionRE.FindStringSubmatch(m)
		if sub[3] != "" {
			return sub[3]
		}
		return sub[2]
	})
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
	for _, loc := range mentionRE.FindAllStringSubmatchIndex(markdown, -1) {
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
