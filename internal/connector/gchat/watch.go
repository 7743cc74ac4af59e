package gchat

import (
	"context"
	"fmt"
	"strings"

	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

// chatResource is how the Workspace Events API names a Chat resource.
const chatResource = "//chat.googleapis.com/"

// watch makes sure a Workspace Events subscription delivers space's events
// to our Pub/Sub topic, and routes them to this client. An existing
// subscription (after a restart, or made by an operator) is reused.
func (c *Client) watch(ctx context.Context, space string) error {
	if spaceOf(space) != space {
		return fmt.Errorf("gchat watch: %q is not a space name", space)
	}
	if cur, ok := c.conn.clientForSpace(space); ok && cur == c && c.isWatched(space) {
		return nil
	}
	target := chatResource + space
	filter := fmt.Sprintf(`event_types:"%s" AND target_resource="%s"`, ceMessageCreated, target)
	list, err := c.events.Subscriptions.List().Filter(filter).Context(ctx).Do()
	if err != nil {
		return mapError("subscriptions.list", err)
	}
	found := false
	for _, s := range list.Subscriptions {
		if s.TargetResource == target && (s.State == "" || s.State == "ACTIVE") {
			found = true
			break
		}
	}
	if !found {
		_, err := c.events.Subscriptions.Create(&workspaceevents.Subscription{
			TargetResource:       target,
			EventTypes:           relayedTypes,
			NotificationEndpoint: &workspaceevents.NotificationEndpoint{PubsubTopic: c.conn.cfg.topic()},
			PayloadOptions:       &workspaceevents.PayloadOptions{IncludeResource: true},
		}).Context(ctx).Do()
		if err != nil && !isStatus(err, 409) {
			return mapError("subscriptions.create", err)
		}
	}
	if err := c.conn.bindSpace(space, c); err != nil {
		return err
	}
	c.markWatched(space)
	return nil
}

func (c *Client) isWatched(space string) bool {
	c.watchMu.Lock()
	defer c.watchMu.Unlock()
	return c.watched[space]
}

func (c *Client) markWatched(space string) {
	c.watchMu.Lock()
	defer c.watchMu.Unlock()
	c.watched[space] = true
}

// watchedSpaces lists the spaces this client watches, for directory
// lookups.
func (c *Client) watchedSpaces() []string {
	c.watchMu.Lock()
	defer c.watchMu.Unlock()
	out := make([]string, 0, len(c.watched))
	for s := range c.watched {
		out = append(out, s)
	}
	return out
}

// topic is the Pub/Sub topic subscriptions deliver to.
func (c Config) topic() string {
	if c.PubsubTopic != "" {
		return c.PubsubTopic
	}
	return "projects/" + strings.TrimSpace(c.ProjectNumber) + "/topics/parley-events"
}
