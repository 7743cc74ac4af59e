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
	gchatemu "parley/internal/emulator/gchat"
	"parley/internal/emulator/idp"
	slackemu "parley/internal/emulator/slack"
	teamsemu "parley/internal/emulator/teams"
	webexemu "parley/internal/emulator/webex"
	"parley/internal/tlsconf"
)

// The admin plane's demo (SANDBOX.md, "Tenants and the admin plane"):
// two unrelated tenants, and in each one person per role who signs in
// with their own platform's identity provider and holds a personal API
// token.
//
//   - demo: the room of five companies on four platforms.
//   - hooli: a second company pair on Slack, Hooli and Pied Piper, with a
//     link of their own. Nobody in one tenant holds a role in the other.

// Tenant IDs.
const (
	demoTenant  = "demo"
	hooliTenant = "hooli"
)

// adminPerson is a demo person with a role. platform is where they sign
// in, and where their account exists.
type adminPerson struct {
	email, tenant, role, platform string
}

var adminPeople = []adminPerson{
	{"carol@acme.example", demoTenant, "owner", "slack"},
	{"alice@acme.example", demoTenant, "admin", "slack"},
	{"judy@contoso.example", demoTenant, "operator", "teams"},
	{"frank@initech.example", demoTenant, "auditor", "gchat"},
	{"grace@umbrella.example", demoTenant, "viewer", "webex"},
	{"gavin@hooli.example", hooliTenant, "owner", "slack"},
	{"jared@hooli.example", hooliTenant, "admin", "slack"},
	{"richard@piedpiper.example", hooliTenant, "operator", "slack"},
	{"monica@piedpiper.example", hooliTenant, "auditor", "slack"},
	{"dinesh@piedpiper.example", hooliTenant, "viewer", "slack"},
}

var demoHooli = []demoWorkspace{
	{name: "hooli", linked: "piper-shared", channels: []string{"general", "piper-shared"},
		people: []demoPerson{{"gavin", "gavin@hooli.example"}, {"jared", "jared@hooli.example"}}},
	{name: "piedpiper", linked: "hooli-shared", channels: []string{"general", "hooli-shared"},
		people: []demoPerson{{"richard", "richard@piedpiper.example"}, {"monica", "monica@piedpiper.example"}, {"dinesh", "dinesh@piedpiper.example"}}},
}

// hooliDemo is the second tenant as created in the Slack emulator.
type hooliDemo struct {
	workspaces []SlackWorkspace
	bots       map[string]string
	link       ManifestLink
}

func buildHooliDemo(emu *slackemu.Emulator, appID string) (*hooliDemo, error) {
	d := &hooliDemo{bots: map[string]string{}, link: ManifestLink{ID: "hooli-piper", Name: "hooli ↔ pied piper", Tenant: hooliTenant}}
	for _, w := range demoHooli {
		ws := emu.AddWorkspace(w.name)
		mw := SlackWorkspace{ID: ws.ID, Name: ws.Name}
		var members []string
		for _, p := range w.people {
			u := emu.AddUser(ws.ID, p.name, p.email)
			members = append(members, u.ID)
			mw.Users = append(mw.Users, Person{ID: u.ID, Name: u.Name, Email: u.Email, Token: u.Token})
		}
		inst := emu.Install(appID, ws.ID)
		d.bots[ws.ID] = inst.BotToken
		mw.BotUserID = inst.BotUserID
		for _, name := range w.channels {
			ch := emu.AddChannel(ws.ID, name, members...)
			mw.Channels = append(mw.Channels, NamedChannel{ID: ch.ID, Name: ch.Name})
			if err := emu.Invite(ws.ID, ch.ID, inst.BotUserID); err != nil {
				return nil, fmt.Errorf("invite bot: %w", err)
			}
			if name == w.linked {
				d.link.Channels = append(d.link.Channels, ManifestChannel{Platform: "slack", Workspace: ws.ID, Channel: ch.ID})
			}
		}
		d.workspaces = append(d.workspaces, mw)
	}
	return d, nil
}

// signInClient is one OpenID client registered with an emulator's
// identity provider for the admin API.
type signInClient struct {
	name, issuer, clientID, secret string
	trustEmail                     bool
}

// registerSignIn registers the admin API as a client of every emulator's
// identity provider, with adminURL's callback as its redirect URI.
func registerSignIn(adminURL string, slackIssuer, slackClient, slackSecret string, teams *teamsemu.Emulator, teamsTenant string, gchat *gchatemu.Emulator, webex *webexemu.Emulator) []signInClient {
	cb := func(name string) []string { return []string{adminURL + admin.Prefix + "auth/" + name + "/callback"} }
	out := []signInClient{{name: "slack", issuer: slackIssuer, clientID: slackClient, secret: slackSecret}}
	ts := randomHex(20)
	ta := teams.RegisterApp(teamsemu.AppSpec{ClientSecret: ts, Name: "Parley admin", HomeTenant: teamsTenant, RedirectURIs: cb("teams")})
	// Entra ID sends no email_verified; its single-tenant issuer is the
	// tenant's own directory, whose admins own the addresses.
	out = append(out, signInClient{name: "teams", issuer: teams.IssuerURL(teamsTenant), clientID: ta.ClientID, secret: ts, trustEmail: true})
	gs := randomHex(20)
	gc := gchat.RegisterOAuthClient(gchatemu.OAuthClientSpec{ClientSecret: gs, Name: "Parley admin", RedirectURIs: cb("gchat")})
	out = append(out, signInClient{name: "gchat", issuer: gchat.IssuerURL(), clientID: gc.ClientID, secret: gs})
	ws := randomHex(20)
	wi := webex.AddIntegration(webexemu.IntegrationSpec{ClientSecret: ws, Name: "Parley admin", RedirectURIs: cb("webex")})
	out = append(out, signInClient{name: "webex", issuer: webex.IssuerURL(), clientID: wi.ClientID, secret: ws})
	return out
}

// personalToken signs p in through their platform's identity provider,
// as a person in a browser would (login redirect, account chooser,
// callback), and creates a personal API token with the session.
func personalToken(ctx context.Context, client *http.Client, adminURL string, p adminPerson) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := *client
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	api := adminURL + admin.Prefix
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api+"auth/"+p.platform+"/login", nil)
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sign-in of %s: login answered %d", p.email, res.StatusCode)
	}
	cb, err := idp.Choose(ctx, &c, res.Header.Get("Location"), p.email)
	if err != nil {
		return "", fmt.Errorf("sign-in of %s: %w", p.email, err)
	}
	if res, err = idp.Follow(ctx, &c, cb); err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sign-in of %s: callback answered %d", p.email, res.StatusCode)
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
			return personalToken(ctx, tlsconf.HTTPClient(pool), m.Gateway.AdminURL, adminPerson{email: p.Email, tenant: p.Tenant, role: p.Role, platform: p.Platform})
		}
	}
	return "", fmt.Errorf("no demo person %s in the manifest", email)
}
