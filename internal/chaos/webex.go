package chaos

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

func webexPost(ctx context.Context, c *client, api, token, room, text string) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := c.jsonCall(ctx, token, http.MethodPost, api+"messages", map[string]string{"roomId": room, "text": text}, &out)
	return out.ID, err
}

// webexRead lists a room's messages, newest first in pages of up to 1000,
// walking back with beforeMessage.
func webexRead(ctx context.Context, c *client, api, token, room string) ([]seen, error) {
	var out []seen
	before := ""
	for {
		u := api + "messages?max=1000&roomId=" + url.QueryEscape(room)
		if before != "" {
			u += "&beforeMessage=" + url.QueryEscape(before)
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := c.jsonCall(ctx, token, http.MethodGet, u, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Items {
			var m struct {
				ID       string `json:"id"`
				ParentID string `json:"parentId"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			out = append(out, seen{id: m.ID, thread: m.ParentID, raw: string(raw)})
		}
		if len(page.Items) < 1000 {
			slices.Reverse(out)
			return out, nil
		}
		before = out[len(out)-1].id
	}
}
