package slack

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
)

// User returns the person with this ID; the answer is cached in memory.
func (c *Client) User(ctx context.Context, id core.UserID) (core.Author, error) {
	if id == "" {
		return core.Author{}, fmt.Errorf("slack users.info: empty user id: %w", connector.ErrNotFound)
	}
	if a, ok := c.users.Get(idKey(id)); ok {
		return a, nil
	}
	u, err := c.api.GetUserInfoContext(ctx, string(id))
	if err != nil {
		return core.Author{}, mapError("users.info", err)
	}
	return c.remember(u), nil
}

// UserByEmail returns the person with this email, or ErrNotFound.
func (c *Client) UserByEmail(ctx context.Context, email string) (core.Author, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return core.Author{}, fmt.Errorf("slack users.lookupByEmail: empty email: %w", connector.ErrNotFound)
	}
	if a, ok := c.users.Get(emailKey(email)); ok {
		return a, nil
	}
	u, err := c.api.GetUserByEmailContext(ctx, email)
	if err != nil {
		return core.Author{}, mapError("users.lookupByEmail", err)
	}
	a := c.remember(u)
	c.users.Put(emailKey(email), a)
	return a, nil
}

// remember caches a looked-up user under its ID and its email.
func (c *Client) remember(u *slack.User) core.Author {
	a := authorFromUser(u)
	c.users.Put(idKey(a.ID), a)
	if a.Email != "" {
		c.users.Put(emailKey(a.Email), a)
	}
	return a
}

// authorFromUser prefers the name people chose to be shown by.
func authorFromUser(u *slack.User) core.Author {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.Profile.RealName
	}
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	return core.Author{
		ID:     core.UserID(u.ID),
		Name:   name,
		Email:  u.Profile.Email,
		Avatar: u.Profile.Image72,
	}
}
