package webex

import (
	"context"
	"fmt"
	"net/http"

	"parley/internal/secret"
)

// webhookEvents are the messages events Parley subscribes to.
var webhookEvents = []string{"created", "updated", "deleted"}

type webhookInfo struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	TargetURL string `json:"targetUrl"`
	Resource  string `json:"resource"`
	Event     string `json:"event"`
	Filter    string `json:"filter"`
	Status    string `json:"status"`
}

// ensureWebhooks makes the token's account hold exactly one active
// messages webhook per event pointing at target, signed with sec: it
// creates missing ones, re-activates disabled ones (resetting the secret,
// which Webex does not show back), and deletes duplicates.
func (c *Client) ensureWebhooks(ctx context.Context, target string, sec secret.Secret) error {
	var list struct {
		Items []webhookInfo `json:"items"`
	}
	if err := c.api.call(ctx, "webhooks list", http.MethodGet, "webhooks?max=100", nil, &list); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, h := range list.Items {
		if h.Resource != "messages" || h.TargetURL != target || h.Filter != "" {
			continue
		}
		if have[h.Event] {
			if err := c.api.call(ctx, "webhooks delete", http.MethodDelete, "webhooks/"+h.ID, nil, nil); err != nil {
				return err
			}
			continue
		}
		have[h.Event] = true
		// Always re-set the secret and status: a webhook someone created
		// with another secret would fail every signature check.
		req := map[string]string{"name": h.Name, "targetUrl": target, "secret": sec.Reveal(), "status": "active"}
		if err := c.api.call(ctx, "webhooks update", http.MethodPut, "webhooks/"+h.ID, req, nil); err != nil {
			return err
		}
	}
	for _, ev := range webhookEvents {
		if have[ev] {
			continue
		}
		req := map[string]string{
			"name": "Parley messages " + ev, "targetUrl": target,
			"resource": "messages", "event": ev, "secret": sec.Reveal(),
		}
		if err := c.api.call(ctx, "webhooks create", http.MethodPost, "webhooks", req, nil); err != nil {
			return fmt.Errorf("register %s webhook: %w", ev, err)
		}
	}
	return nil
}
