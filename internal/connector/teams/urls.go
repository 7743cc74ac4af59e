package teams

import (
	"fmt"
	"net/url"
	"strings"

	"parley/internal/connector"
)

// connectorURL builds a Bot Connector URL under the tenant's serviceUrl,
// refusing one the bot's token may not go to.
func (c *Client) connectorURL(segments ...string) (string, error) {
	base := c.conn.serviceURL(c.workspace)
	if !c.conn.cfg.allowedService(base) {
		return "", fmt.Errorf("teams: serviceUrl host is not in allowed_service_hosts: %w", connector.ErrPermanent)
	}
	return base + joinEscaped(segments), nil
}

// graphURL builds a Graph URL; segments are escaped, query is appended.
func (c *Client) graphURL(query url.Values, segments ...string) string {
	u := c.conn.cfg.GraphURL + joinEscaped(segments)
	if len(query) > 0 {
		u += "?" + strings.ReplaceAll(query.Encode(), "+", "%20")
	}
	return u
}

// joinEscaped escapes each path segment as the Bot Framework SDKs do
// (encodeURIComponent): conversation IDs hold ':', '@', ';' and '='.
func joinEscaped(segments []string) string {
	parts := make([]string, len(segments))
	for i, s := range segments {
		parts[i] = strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	}
	return strings.Join(parts, "/")
}
