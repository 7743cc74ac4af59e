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

// entraUser looks a person up by Entra object ID (the ID events carry),
// for the directory cache. A Teams "29:" ID cannot be looked up in Graph
// and is ErrNotFound.
func (c *Client) entraUser(ctx context.Context, id core.UserID) (core.Author, error) {
	if strings.HasPrefix(string(id), "29:") || strings.HasPrefix(string(id), "28:") {
		return core.Author{}, fmt.Errorf("teams user: not an Entra ID: %w", connector.ErrNotFound)
	}
	var u graphUser
	if err := c.graph.Call(ctx, "get user", http.MethodGet, c.graphURL(userFields, "users", string(id)), nil, &u); err != nil {
		return core.Author{}, err
	}
	if u.ID == "" {
		return core.Author{}, fmt.Errorf("teams get user: empty answer: %w", connector.ErrNotFound)
	}
	return u.author(), nil
}

// entraUserByEmail finds a person by mail or, failing that, sign-in
// name, for the directory cache.
func (c *Client) entraUserByEmail(ctx context.Context, email string) (core.Author, error) {
	email = strings.ToLower(email)
	if !strings.Contains(email, "@") {
		return core.Author{}, fmt.Errorf("teams user by email: not an email: %w", connector.ErrNotFound)
	}
	// Two simple filters rather than one with "or": the first finds
	// nearly everyone, and simple equality filters work everywhere.
	lit := "'" + strings.ReplaceAll(email, "'", "''") + "'" // OData quoting
	for _, field := range []string{"mail", "userPrincipalName"} {
		q := url.Values{"$filter": {field + " eq " + lit}, "$select": userFields["$select"]}
		var r struct {
			Value []graphUser `json:"value"`
		}
		if err := c.graph.Call(ctx, "find user", http.MethodGet, c.graphURL(q, "users"), nil, &r); err != nil {
			return core.Author{}, err
		}
		if len(r.Value) > 0 && r.Value[0].ID != "" {
			return r.Value[0].author(), nil
		}
	}
	return core.Author{}, fmt.Errorf("teams find user: no one with that email: %w", connector.ErrNotFound)
}
