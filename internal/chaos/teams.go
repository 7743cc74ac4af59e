package chaos

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
)

func teamsPost(ctx context.Context, c *client, base, token, text string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	body := map[string]any{"body": map[string]string{"contentType": "html", "content": "<p>" + text + "</p>"}}
	err := c.jsonCall(ctx, token, http.MethodPost, base, body, &out)
	return out.ID, err
}

// teamsRead lists a channel's top-level messages through Graph, newest
// first in pages of at most 50, following @odata.nextLink.
func teamsRead(ctx context.Context, c *client, base, token string) ([]seen, error) {
	var out []seen
	next := base + "?$top=50"
	for next != "" {
		var page struct {
			Value []json.RawMessage `json:"value"`
			Next  string            `json:"@odata.nextLink"`
		}
		if err := c.jsonCall(ctx, token, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Value {
			var m struct {
				ID        string `json:"id"`
				ReplyToID string `json:"replyToId"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			out = append(out, seen{id: m.ID, thread: m.ReplyToID, raw: string(raw)})
		}
		next = page.Next
	}
	slices.Reverse(out)
	return out, nil
}
