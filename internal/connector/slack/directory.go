package slack

import (
	"context"

	"github.com/slack-go/slack"

	"parley/internal/core"
)

// usersInfo looks a person up by ID, for the directory cache.
func (c *Client) usersInfo(ctx context.Context, id core.UserID) (core.Author, error) {
	u, err := c.api.GetUserInfoContext(ctx, string(id))
	if err != nil {
		return core.Author{}, mapError("users.info", err)
	}
	return authorFromUser(u), nil
}

// usersLookupByEmail looks a person up by email, for the directory cache.
func (c *Client) usersLookupByEmail(ctx context.Context, email string) (core.Author, error) {
	u, err := c.api.GetUserByEmailContext(ctx, email)
	if err != nil {
		return core.Author{}, mapError("users.lookupByEmail", err)
	}
	return authorFromUser(u), nil
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
		// Slack's multi- and single-channel guests.
		Guest: u.IsRestricted || u.IsUltraRestricted,
	}
}
