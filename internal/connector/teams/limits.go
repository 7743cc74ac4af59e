package teams

import (
	"encoding/json"
	"unicode/utf16"

	"parley/internal/connector"
)

// maxActivityBytes is what Parley lets into one activity. Teams refuses a
// bot message above 100 KB, measured UTF-16 encoded over the whole payload;
// the margin leaves room for the reaction footer a later redraw adds, and
// for mention entities.
const maxActivityBytes = 72000

var _ connector.Limits = (*Client)(nil)

// Fits reports whether m, drawn as Parley's card (the body appears in the
// card's text and again in its fallback text), is within Teams' limit.
func (c *Client) Fits(m connector.Message) bool {
	b, err := json.Marshal(cardMessage{msg: m}.activity())
	if err != nil {
		return false
	}
	units := 0
	for _, r := range string(b) {
		units += utf16.RuneLen(r)
	}
	return 2*units <= maxActivityBytes
}
