package webex

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
)

func author(p person) core.Author {
	a := core.Author{ID: core.UserID(p.ID), Name: p.DisplayName}
	if len(p.Emails) > 0 {
		a.Email = p.Emails[0]
	}
	if strings.HasPrefix(p.Avatar, "https://") {
		a.Avatar = p.Avatar
	}
	return a
}

// person looks a person up by ID (GET /v1/people/{id}), for the
// directory cache.
func (c *Client) person(ctx context.Context, id core.UserID) (core.Author, error) {
	var p person
	if err := c.api.call(ctx, "people get", http.MethodGet, "people/"+url.PathEscape(string(id)), nil, &p); err != nil {
		return core.Author{}, err
	}
	return author(p), nil
}

// personByEmail looks a person up by email (GET /v1/people?email=), for
// the directory cache.
func (c *Client) personByEmail(ctx context.Context, email string) (core.Author, error) {
	var list struct {
		Items []person `json:"items"`
	}
	q := url.Values{"email": {email}}
	if err := c.api.call(ctx, "people list", http.MethodGet, "people?"+q.Encode(), nil, &list); err != nil {
		return core.Author{}, err
	}
	if len(list.Items) == 0 {
		return core.Author{}, fmt.Errorf("webex people list: no person with that email: %w", connector.ErrNotFound)
	}
	return author(list.Items[0]), nil
}
