package teams

import (
	"html"
	"strings"

	"parley/internal/connector"
	"parley/internal/richtext"
)

// maxNameLen bounds the shown author name; Teams truncates long ones anyway.
const maxNameLen = 128

// outActivity is a message activity the bot sends.
type outActivity struct {
	Type        string          `json:"type"`
	Text        string          `json:"text,omitempty"`
	TextFormat  string          `json:"textFormat,omitempty"`
	Summary     string          `json:"summary,omitempty"`
	Attachments []outAttachment `json:"attachments,omitempty"`
	Entities    []mentionEntity `json:"entities,omitempty"`
}

type outAttachment struct {
	ContentType string `json:"contentType"`
	ContentURL  string `json:"contentUrl,omitempty"`
	Name        string `json:"name,omitempty"`
	Content     any    `json:"content,omitempty"`
}

type mentionEntity struct {
	Type      string  `json:"type"`
	Text      string  `json:"text"`
	Mentioned account `json:"mentioned"`
}

// cardMessage is what the connector shows for a relayed message.
type cardMessage struct {
	msg    connector.Message
	image  string         // a data: URL shown under the text, or ""
	file   *outAttachment // a file card; the message is then drawn as text
	footer []string       // reaction counts, "👍 2"
}

// activity renders m as an Adaptive Card: a header with the author's
// avatar and name (a bot cannot post under another name), the body, and
// the reaction footer. The card's own fallbackText and the activity's
// summary carry the plain text for clients and notifications that do not
// render cards. The body is not repeated in the activity text: Teams shows
// text and card together, so it would appear twice.
func (m cardMessage) activity() outActivity {
	if m.file != nil {
		return m.fileActivity()
	}
	name := authorName(m.msg)
	text, mentions := renderCardText(m.msg.Body)
	plain := richtext.RenderPlain(m.msg.Body)

	header := []any{}
	if avatar := m.msg.Author.Avatar; strings.HasPrefix(avatar, "https://") {
		header = append(header, map[string]any{
			"type": "Column", "width": "auto",
			"items": []any{map[string]any{"type": "Image", "url": avatar, "style": "Person", "size": "Small", "altText": name}},
		})
	}
	header = append(header, map[string]any{
		"type": "Column", "width": "stretch", "verticalContentAlignment": "Center",
		// A RichTextBlock does not read markdown, so a name with * or _
		// shows as written.
		"items": []any{map[string]any{"type": "RichTextBlock", "inlines": []any{
			map[string]any{"type": "TextRun", "text": name, "weight": "Bolder"},
		}}},
	})
	body := []any{map[string]any{"type": "ColumnSet", "columns": header}}
	if text != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": text, "wrap": true})
	}
	if m.image != "" {
		body = append(body, map[string]any{"type": "Image", "url": m.image, "altText": "image"})
	}
	if m.msg.Key != "" {
		body = append(body, keyElement(m.msg.Key))
	}
	if len(m.footer) > 0 {
		body = append(body, map[string]any{
			"type": "TextBlock", "text": strings.Join(m.footer, " · "), "isSubtle": true, "size": "Small", "wrap": true,
		})
	}
	entities := make([]mentionEntity, 0, len(mentions))
	for _, mn := range mentions {
		entities = append(entities, mentionEntity{Type: "mention", Text: mn.Text, Mentioned: account{ID: mn.ID, Name: mn.Name}})
	}
	card := map[string]any{
		"$schema":      "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":         "AdaptiveCard",
		"version":      "1.4",
		"body":         body,
		"fallbackText": name + ": " + plain,
		"msteams":      map[string]any{"width": "Full", "entities": entities},
	}
	return outActivity{
		Type:        "message",
		Summary:     summary(name, plain),
		Attachments: []outAttachment{{ContentType: ctAdaptiveCard, Content: card}},
	}
}

// authorName is the name shown for the author, never empty.
func authorName(m connector.Message) string {
	name := strings.Join(strings.Fields(m.Author.Name), " ")
	if name == "" {
		name = "Someone"
	}
	if r := []rune(name); len(r) > maxNameLen {
		name = string(r[:maxNameLen]) + "…"
	}
	return name
}

// summary is the notification preview: short, plain.
func summary(name, plain string) string {
	s := name + ": " + strings.Join(strings.Fields(plain), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

func escapeHTML(s string) string { return html.EscapeString(s) }
