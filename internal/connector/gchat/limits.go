package gchat

import (
	"encoding/json"

	"parley/internal/connector"
)

// maxMessageBytes is Google Chat's limit for one message: 32,000 bytes,
// text and cards together.
const maxMessageBytes = 32000

var _ connector.Limits = (*Client)(nil)

// Fits reports whether m, as Parley posts it (the text, and the author in
// a card header), is within Google Chat's limit. The byline form used for
// files and edits of relay-user messages carries the name in the text
// instead; the larger of the two is measured.
func (c *Client) Fits(m connector.Message) bool {
	card, err := json.Marshal(authorCard(m.Author))
	if err != nil {
		return false
	}
	text := bylineText(m)
	return len(text)+len(card) <= maxMessageBytes
}
