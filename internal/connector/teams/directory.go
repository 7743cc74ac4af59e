package teams

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
)

// graphUser is the part of a Graph user Parley reads (User.Read.All).
type graphUser struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
}

var userFields = url.Values{"$select": {"id,displayName,mail,userPrincipalName"}}

func (u graphUser) author() core.Author {
	email := u.Mail
	if email == "" && strings.Contains(u.UserPrincipalName, "@") && !strings.Contains(u.UserPrincipalName, "#EXT#") {
		email = u.UserPrincipalName
	}
	return core.Author{ID: core.UserID(u.ID), Name: u.DisplayName, Email: email}
}

// User returns a person by Entra object ID (the ID events carry). A Teams
// "29:" ID cannot be looked up in Graph and is ErrNotFound.
func (c *Client) User(ctx context.Context, id core.UserID) (core.Author, error) {
	if a, ok := c.users.Get("id:" + string(id)); ok {
		return a, nil
	}
	if id == "" || strings.HasPrefix(string(id), "29:") || strings.HasPrefix(string(id), "28:") {
		return core.Author{}, fmt.Errorf("teams user: not an Entra ID: %w", connector.ErrNotFound)
	}
	var u graphUser
	if err := c.call(ctx, "get user", c.graph, http.MethodGet, c.graphURL(userFields, "users", string(id)), nil, &u); err != nil {
		return core.Author{}, err
	}
	if u.ID == "" {
		return core.Author{}, fmt.Errorf("teams get user: empty answer: %w", connector.ErrNotFound)
	}
	a := u.author()
	c.users.Put("id:"+string(id), a)
	return a, nil
}

// UserByEmail finds a person by mail or, failing that, sign-in name.
func (c *Client) UserByEmail(ctx context.Context, email string) (core.Author, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || !strings.Contains(email, "@") {
		return core.Author{}, fmt.Errorf("teams user by email: not an email: %w", connector.ErrNotFound)
	}
	if a, ok := c.users.Get("email:" + email); ok {
		return a, nil
	}
	// Two simple filters rather than one with "or": the first finds
	// nearly everyone, and simple equality filters work everywhere.
	lit := "'" + strings.ReplaceAll(email, "'", "''") + "'" // OData quoting
	var found []graphUser
	for _, field := range []string{"mail", "userPrincipalName"} {
		q := url.Values{"$filter": {field + " eq " + lit}, "$select": userFields["$select"]}
		var r struct {
			Value []graphUser `json:"value"`
		}
		if err := c.call(ctx, "find user", c.graph, http.MethodGet, c.graphURL(q, "users"), nil, &r); err != nil {
			return core.Author{}, err
		}
		if len(r.Value) > 0 && r.Value[0].ID != "" {
			found = r.Value
			break
		}
	}
	if len(found) == 0 {
		return core.Author{}, fmt.Errorf("teams find user: no one with that email: %w", connector.ErrNotFound)
	}
	a := found[0].author()
	c.users.Put("email:"+email, a)
	c.users.Put("id:"+string(a.ID), a)
	return a, nil
}
