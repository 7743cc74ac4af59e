package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"

	"parley/internal/admin"
	"parley/internal/emulator/idp"
	"parley/internal/tlsconf"
)

// The admin plane's demo (SANDBOX.md, "Tenants and the admin plane"):
// unrelated tenants (the demo room's, and those the platforms' demos add),
// and in each one person per role who signs in with their own platform's
// identity provider and holds a personal API token. Who holds which role
// is each platform demo's to say (platform.Demo.People).

// personalToken signs the person with email in through the identity
// provider named provider, as a person in a browser would (login
// redirect, account chooser, callback), and creates a personal API token
// with the session.
func personalToken(ctx context.Context, client *http.Client, adminURL, email, provider string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := *client
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	api := adminURL + admin.Prefix
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api+"auth/"+provider+"/login", nil)
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sign-in of %s: login answered %d", email, res.StatusCode)
	}
	cb, err := idp.Choose(ctx, &c, res.Header.Get("Location"), email)
	if err != nil {
		return "", fmt.Errorf("sign-in of %s: %w", email, err)
	}
	if res, err = idp.Follow(ctx, &c, cb); err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sign-in of %s: callback answered %d", email, res.StatusCode)
	}
	var me admin.Me
	if err := callJSON(ctx, &c, http.MethodGet, api+"me", "", nil, &me); err != nil {
		return "", err
	}
	var tok admin.TokenOut
	if err := callJSON(ctx, &c, http.MethodPost, api+"tokens", me.CSRFToken, admin.TokenIn{}, &tok); err != nil {
		return "", err
	}
	return tok.Token, nil
}

func callJSON(ctx context.Context, c *http.Client, method, url, csrf string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// PersonalToken signs the demo person with email in through their
// platform's identity provider and returns a new personal API token. With
// --no-gateway the manifest holds no tokens (no gateway ran to issue
// them); a script makes one this way once `parley serve` is up.
func (m *Manifest) PersonalToken(ctx context.Context, email string) (string, error) {
	if m.Admin == nil {
		return "", fmt.Errorf("manifest has no admin section")
	}
	for _, p := range m.Admin.People {
		if strings.EqualFold(p.Email, email) {
			pool, err := tlsconf.PoolFromPEMFile(m.CAFile)
			if err != nil {
				return "", err
			}
			return personalToken(ctx, tlsconf.HTTPClient(pool), m.Gateway.AdminURL, p.Email, p.Platform)
		}
	}
	return "", fmt.Errorf("no demo person %s in the manifest", email)
}
