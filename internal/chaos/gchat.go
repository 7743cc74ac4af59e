package chaos

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

func gchatPost(ctx context.Context, c *client, base, token, text string) (string, error) {
	var out struct {
		Name string `json:"name"`
	}
	err := c.jsonCall(ctx, token, http.MethodPost, base, map[string]string{"text": text}, &out)
	return out.Name, err
}

// gchatRead lists a space's messages oldest first (Chat's default order),
// following nextPageToken.
func gchatRead(ctx context.Context, c *client, base, token string) ([]seen, error) {
	var out []seen
	tok := ""
	for {
		u := base + "?pageSize=1000"
		if tok != "" {
			u += "&pageToken=" + url.QueryEscape(tok)
		}
		var page struct {
			Messages []json.RawMessage `json:"messages"`
			Next     string            `json:"nextPageToken"`
		}
		if err := c.jsonCall(ctx, token, http.MethodGet, u, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Messages {
			var m struct {
				Name   string `json:"name"`
				Thread struct {
					Name string `json:"name"`
				} `json:"thread"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			// Every Chat message has a thread; only the top-level message
			// matters here, so threads are not told apart.
			out = append(out, seen{id: m.Name, raw: string(raw)})
		}
		if page.Next == "" {
			return out, nil
		}
		tok = page.Next
	}
}
