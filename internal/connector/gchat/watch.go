package gchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	workspaceevents "google.golang.org/api/workspaceevents/v1"
)

// chatResource is how the Workspace Events API names a Chat resource.
const chatResource = "//chat.googleapis.com/"

// watch makes sure a Workspace Events subscription delivers space's events
// to our Pub/Sub topic, and routes them to this client. An existing
// subscription (after a restart, or made by an operator) is reused. Once
// watched, the space's subscription is kept alive by Connector.Run; a
// first subscribe that fails is retried there too.
func (c *Client) watch(ctx context.Context, space string) error {
	if spaceOf(space) != space {
		return fmt.Errorf("gchat watch: %q is not a space name", space)
	}
	if cur, ok := c.conn.clientForSpace(space); ok && cur == c && c.isWatched(space) {
		return nil
	}
	sub, created, err := c.subscribe(ctx, space)
	if err != nil {
		c.conn.subs.failed(space, c)
		return err
	}
	if err := c.conn.bindSpace(space, c); err != nil {
		return err
	}
	c.markWatched(space)
	c.conn.subs.track(space, c, sub, created)
	return nil
}

// subscribe returns the subscription that delivers space's events to our
// topic: an existing one (active, or suspended for the caller to
// reactivate), or one it created.
func (c *Client) subscribe(ctx context.Context, space string) (sub *workspaceevents.Subscription, created bool, err error) {
	target := chatResource + space
	if sub, err := c.findSubscription(ctx, target); err != nil || sub != nil {
		return sub, false, err
	}
	op, err := c.events.Subscriptions.Create(&workspaceevents.Subscription{
		TargetResource:       target,
		EventTypes:           relayedTypes,
		NotificationEndpoint: &workspaceevents.NotificationEndpoint{PubsubTopic: c.conn.cfg.topic()},
		PayloadOptions:       &workspaceevents.PayloadOptions{IncludeResource: true},
	}).Context(ctx).Do()
	if err == nil && op.Done && op.Error == nil {
		var made workspaceevents.Subscription
		if json.Unmarshal(op.Response, &made) == nil && made.Name != "" {
			return &made, true, nil
		}
	}
	if err != nil && !isStatus(err, http.StatusConflict) {
		return nil, false, mapError("subscriptions.create", err)
	}
	// Made meanwhile by someone else, or still being made: list it.
	sub, err = c.findSubscription(ctx, target)
	if err == nil && sub == nil {
		err = errors.New("gchat subscriptions.create: the new subscription is not listed yet")
	}
	return sub, false, err
}

// findSubscription lists our subscriptions to target and returns the one
// that delivers (active, else suspended), or nil.
func (c *Client) findSubscription(ctx context.Context, target string) (*workspaceevents.Subscription, error) {
	filter := fmt.Sprintf(`event_types:"%s" AND target_resource="%s"`, ceMessageCreated, target)
	list, err := c.events.Subscriptions.List().Filter(filter).Context(ctx).Do()
	if err != nil {
		return nil, mapError("subscriptions.list", err)
	}
	var found *workspaceevents.Subscription
	for _, s := range list.Subscriptions {
		if s.TargetResource != target {
			continue
		}
		switch s.State {
		case "", "ACTIVE":
			return s, nil
		case "SUSPENDED":
			found = s
		}
	}
	return found, nil
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
