package webex

import "parley/internal/connector"

var _ connector.Limits = (*Client)(nil)

// Fits reports whether m's markdown, with the author's bold byline that
// Parley writes in front of it, is within Webex's 7,439 bytes per field.
func (c *Client) Fits(m connector.Message) bool {
	_, err := body(m)
	return err == nil
}
