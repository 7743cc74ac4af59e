package gchat

import (
	"context"
	"fmt"
	"strings"

	chat "google.golang.org/api/chat/v1"

	"parley/internal/connector"
	"parley/internal/core"
)

// member returns the person with this ID (users/…) from the members of
// the watched spaces, for the directory cache.
func (c *Client) member(ctx context.Context, id core.UserID) (core.Author, error) {
	if !strings.HasPrefix(string(id), "users/") {
		return core.Author{}, fmt.Errorf("gchat user %q: not a user name: %w", id, connector.ErrNotFound)
	}
	if err := c.loadMembers(ctx); err != nil {
		return core.Author{}, err
	}
	if a, ok := c.Known(id); ok {
		return a, nil
	}
	return core.Author{}, fmt.Errorf("gchat user: not a member of a watched space: %w", connector.ErrNotFound)
}

// memberByEmail returns the person with this email, for the directory
// cache. Chat has no directory search for apps and shows apps no emails in
// membership lists, so people are found by email once they have acted in
// a watched space (event senders carry their email) or a membership list
// showed it.
func (c *Client) memberByEmail(ctx context.Context, email string) (core.Author, error) {
	if err := c.loadMembers(ctx); err != nil {
		return core.Author{}, err
	}
	if a, ok := c.KnownByEmail(email); ok {
		return a, nil
	}
	return core.Author{}, fmt.Errorf("gchat user by email: not a member of a watched space: %w", connector.ErrNotFound)
}

// noteAuthor caches what is known of a person: from membership lists,
// and from the senders of events, which carry the email that memberships
// shown to apps lack.
func (c *Client) noteAuthor(a core.Author) {
	if strings.HasPrefix(string(a.ID), "users/") {
		c.Note(a)
	}
}

// loadMembers caches the human members of every watched space.
func (c *Client) loadMembers(ctx context.Context) error {
	// App auth: apps are always shown members' display names.
	svc := c.app
	for _, space := range c.watchedSpaces() {
		err := svc.Spaces.Members.List(space).PageSize(1000).Pages(ctx, func(resp *chat.ListMembershipsResponse) error {
			for _, m := range resp.Memberships {
				if m.Member == nil || m.Member.Type == "BOT" || m.Member.Name == "" {
					continue
				}
				a := core.Author{ID: core.UserID(m.Member.Name), Name: m.Member.DisplayName, Email: m.Member.Email}
				if strings.HasPrefix(m.Member.AvatarUrl, "https://") {
					a.Avatar = m.Member.AvatarUrl
				}
				c.noteAuthor(a)
			}
			return nil
		})
		if err != nil {
			return mapError("spaces.members.list", err)
		}
	}
	return nil
}
