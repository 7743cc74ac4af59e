package slack

import (
	"unicode/utf8"

	"parley/internal/connector"
	"parley/internal/richtext"
)

// maxTextChars is what Parley lets into one message's text. Slack truncates
// above 40,000 characters; the margin covers the escaping of &, < and >
// that may differ from what Slack counts.
const maxTextChars = 39000

var _ connector.Limits = (*Client)(nil)

// Fits reports whether m's mrkdwn is within Slack's limit. The author goes
// in username and icon_url, not in the text, so only the body counts;
// Slack counts characters, not bytes.
func (c *Client) Fits(m connector.Message) bool {
	return utf8.RuneCountInString(richtext.RenderMrkdwn(m.Body)) <= maxTextChars
}
