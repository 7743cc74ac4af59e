package teams

import (
	"html"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Teams hands bots a message twice: activity.text, a plain rendering in
// which mentions are "<at>Name</at>", and a text/html attachment with the
// rich text, where mentions are skype Mention spans. Graph stores the rich
// text with mentions as <at id="N">Name</at>.

var (
	graphAt   = regexp.MustCompile(`(?is)<at\s+id\s*=\s*"(\d+)"\s*>(.*?)</at>`)
	blockEnds = regexp.MustCompile(`(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</h[1-6]\s*>|</pre\s*>|</blockquote\s*>`)
	anyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	manyNL    = regexp.MustCompile(`\n{3,}`)
)

// activityText renders m's body as the activity text and the text/html
// attachment content.
func activityText(m *message) (text, htmlCopy string) {
	if m.contentType != "html" {
		return m.content, "<p>" + html.EscapeString(m.content) + "</p>"
	}
	htmlCopy = graphAt.ReplaceAllString(m.content,
		`<span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="$1">$2</span>`)
	return htmlToText(m.content), htmlCopy
}

// htmlToText flattens Graph HTML: mentions become <at>Name</at>, block
// ends become newlines, other tags vanish and entities are decoded.
func htmlToText(s string) string {
	const open, closeTag = "\x00at\x00", "\x00/at\x00"
	s = graphAt.ReplaceAllString(s, open+"$2"+closeTag)
	s = blockEnds.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.ReplaceAll(s, open, "<at>")
	s = strings.ReplaceAll(s, closeTag, "</at>")
	s = manyNL.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}

// botAt is a mention in text a bot sends: <at>Name</at>, no id.
var botAt = regexp.MustCompile(`(?is)<at>(.*?)</at>`)

// graphHTMLFromBot turns the text of a bot's activity into what Graph
// shows: each <at>Name</at> that an entity names becomes <at id="N">.
func graphHTMLFromBot(text, textFormat string, mentionTexts []string) string {
	body := text
	if textFormat == "plain" {
		body = html.EscapeString(text)
		// Escaping broke the <at> tags; restore them for mention matching.
		body = strings.ReplaceAll(strings.ReplaceAll(body, "&lt;at&gt;", "<at>"), "&lt;/at&gt;", "</at>")
	}
	used := make([]bool, len(mentionTexts))
	return botAt.ReplaceAllStringFunc(body, func(tag string) string {
		idx := -1
		for i, mt := range mentionTexts {
			if mt == tag && (idx < 0 || (used[idx] && !used[i])) {
				idx = i
			}
		}
		if idx < 0 {
			return tag
		}
		used[idx] = true
		return `<at id="` + strconv.Itoa(idx) + `">` + tag[len("<at>"):len(tag)-len("</at>")] + `</at>`
	})
}

// fileType is the extension Teams reports as a file's fileType.
func fileType(name string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
}
