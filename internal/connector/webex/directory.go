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

// User returns the person with this ID (GET /v1/people/{id}).
func (c *Client) User(ctx context.Context, id core.UserID) (core.Author, error) {
	if id == "" {
		return core.Author{}, fmt.Errorf("webex user: empty id: %w", connector.ErrNotFound)
	}
	if a, ok := c.users.Get("id:" + string(id)); ok {
		return a, nil
	}
	var p person
	if err := c.api.call(ctx, "people get", http.MethodGet, "people/"+url.PathEscape(string(id)), nil, &p); err != nil {
		return core.Author{}, err
	}
	a := author(p)
	c.users.Put("id:"+string(id), a)
	return a, nil
}

// UserByEmail returns the person with this email (GET /v1/people?email=),
// or ErrNotFound.
func (c *Client) UserByEmail(ctx context.Context, email string) (core.Author, error) {
	key := "email:" + strings.ToLower(email)
	if a, ok := c.users.Get(key); ok {
		return a, nil
	}
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
	a := author(list.Items[0])
	c.users.Put(key, a)
	c.users.Put("id:"+string(a.ID), a)
	return a, nil
}
