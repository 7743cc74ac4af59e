// Package adminclient talks to Parley's admin API as a script does: with a
// personal API token, JSON in and out, errors in the API's stable shape.
// `parley admin` is built on it.
package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"parley/internal/admin"
	"parley/internal/secret"
)

// maxAnswer bounds what is read from the API (an audit export can be
// large).
const maxAnswer = 256 << 20

// Client calls one admin API.
type Client struct {
	// URL is the admin listener's base (https://host:port).
	URL   string
	Token secret.Secret
	HTTP  *http.Client
}

// Error is an answer other than success.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("admin API: HTTP %d", e.Status)
	}
	return fmt.Sprintf("admin API: %s (%d): %s", e.Code, e.Status, e.Message)
}

// Do sends in as JSON (nil for no body) and decodes the answer into out
// (nil to discard; a *[]byte receives it raw).
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.URL, "/")+admin.Prefix+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.Token.Reveal())
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return &Error{Status: res.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = b
		return nil
	default:
		return json.Unmarshal(b, out)
	}
}

// Tenant returns the path of a tenant's resource.
func Tenant(t string, rest ...string) string {
	p := "tenants/" + url.PathEscape(t)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// Person finds a person's ID in a tenant by email (the API names people
// by pseudonymous ID so emails stay out of URLs and logs).
func (c *Client) Person(ctx context.Context, tenant, email string) (string, error) {
	cursor := ""
	for {
		var page admin.RolesOut
		if err := c.Do(ctx, http.MethodGet, Tenant(tenant, "roles")+"?limit=1000&cursor="+url.QueryEscape(cursor), nil, &page); err != nil {
			return "", err
		}
		for _, r := range page.Roles {
			if strings.EqualFold(r.Email, email) {
				return r.Person, nil
			}
		}
		if page.NextCursor == "" {
			return "", errors.New("no such person in the tenant")
		}
		cursor = page.NextCursor
	}
}
