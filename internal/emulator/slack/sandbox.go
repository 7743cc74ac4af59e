package slack

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"parley/internal/emulator"
	"parley/internal/platform"
)

// Sandbox is Slack's emulated side in the registry.
var Sandbox = &platform.Sandbox{
	Start:  func(o emulator.Options) platform.Emulator { return &sandboxEmulator{Emulator: New(o)} },
	Client: newUserClient,
}

// SandboxManifest is platforms.slack in the sandbox manifest (SANDBOX.md).
type SandboxManifest struct {
	APIURL     string             `json:"api_url"`
	ControlURL string             `json:"control_url"`
	Workspaces []SandboxWorkspace `json:"workspaces"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// SandboxWorkspace is one emulated Slack workspace.
type SandboxWorkspace struct {
	ID       string                  `json:"id"`
	Name     string                  `json:"name"`
	Users    []platform.Person       `json:"users"`
	Channels []platform.NamedChannel `json:"channels"`
	// BotUserID is the installed Parley app's bot user, so tests can tell
	// its posts apart.
	BotUserID string `json:"bot_user_id"`
}

type sandboxEmulator struct {
	*Emulator
	base string
}

func (e *sandboxEmulator) SetBaseURL(u string) { e.base = u; e.Emulator.SetBaseURL(u) }
func (e *sandboxEmulator) Native() any         { return e.Emulator }

// The demo: two companies on Slack, acme and globex, in the demo room the
// way Slack Connect would share a channel, without either giving the
// other access to its workspace; and a second tenant, Hooli and Pied
// Piper, with a link of their own. Carol exists on every platform (same
// email) so mentions of her become native everywhere; the others exist
// only in their own company.
type demoPerson struct{ name, email string }

type demoWorkspace struct {
	tenant   string
	name     string
	people   []demoPerson
	channels []string
	linked   string // the channel in the tenant's room
}

const hooliTenant = "hooli"

var demoWorkspaces = []demoWorkspace{
	{tenant: platform.DemoTenant, name: "acme", linked: "partners", channels: []string{"general", "partners"},
		people: []demoPerson{{"alice", "alice@acme.example"}, {"carol", "carol@acme.example"}, {"dave", "dave@acme.example"}}},
	{tenant: platform.DemoTenant, name: "globex", linked: "acme-shared", channels: []string{"general", "acme-shared"},
		people: []demoPerson{{"bob", "bob@globex.example"}, {"carol", "carol@acme.example"}, {"erin", "erin@globex.example"}}},
	{tenant: hooliTenant, name: "hooli", linked: "piper-shared", channels: []string{"general", "piper-shared"},
		people: []demoPerson{{"gavin", "gavin@hooli.example"}, {"jared", "jared@hooli.example"}}},
	{tenant: hooliTenant, name: "piedpiper", linked: "hooli-shared", channels: []string{"general", "hooli-shared"},
		people: []demoPerson{{"richard", "richard@piedpiper.example"}, {"monica", "monica@piedpiper.example"}, {"dinesh", "dinesh@piedpiper.example"}}},
}

// demoRoles are who holds which role in the demo tenants, signing in with
// Slack.
var demoRoles = []platform.AdminPerson{
	{Email: "carol@acme.example", Tenant: platform.DemoTenant, Role: "owner"},
	{Email: "alice@acme.example", Tenant: platform.DemoTenant, Role: "admin"},
	{Email: "gavin@hooli.example", Tenant: hooliTenant, Role: "owner"},
	{Email: "jared@hooli.example", Tenant: hooliTenant, Role: "admin"},
	{Email: "richard@piedpiper.example", Tenant: hooliTenant, Role: "operator"},
	{Email: "monica@piedpiper.example", Tenant: hooliTenant, Role: "auditor"},
	{Email: "dinesh@piedpiper.example", Tenant: hooliTenant, Role: "viewer"},
}

// demoBotScopes are what Parley's Slack app asks for: the least it needs
// to relay messages, threads, edits, deletes, reactions, files and
// mentions and to post under the author's name.
var demoBotScopes = []string{
	"chat:write", "chat:write.customize", "channels:history", "channels:read", "channels:join",
	"groups:history", "groups:read", "reactions:read", "reactions:write",
	"files:read", "files:write", "users:read", "users:read.email",
}

// EventsPath mirrors the connector's request URL path; the emulator
// does not import the connector.
const eventsPath = "/slack/events"

func (e *sandboxEmulator) Demo(env platform.DemoEnv) (*platform.Demo, error) {
	signing, clientSecret := randomHex(32), randomHex(16)
	const clientID = "parley-sandbox"
	app := e.AddApp(AppSpec{
		Name: "Parley", ClientID: clientID, ClientSecret: clientSecret, SigningSecret: signing,
		RequestURL: env.PublicURL + eventsPath, BotScopes: demoBotScopes,
		RedirectURLs: []string{env.SignInCallback("slack")},
	})
	section := SandboxManifest{APIURL: e.base + "/api/", ControlURL: e.base + "/_emulator/", OIDCIssuer: e.IssuerURL()}
	d := &platform.Demo{
		Tenants: []platform.Tenant{{ID: hooliTenant, Name: "Hooli and Pied Piper"}},
		SignIn:  &platform.SignIn{Name: "slack", Issuer: e.IssuerURL(), ClientID: clientID, ClientSecret: clientSecret},
		People:  demoRoles,
	}
	hooli := platform.Link{ID: "hooli-piper", Name: "hooli ↔ pied piper", Tenant: hooliTenant}
	var bench []platform.Link
	for _, w := range demoWorkspaces {
		ws := e.AddWorkspace(w.name)
		mw := SandboxWorkspace{ID: ws.ID, Name: ws.Name}
		var members []string
		for _, p := range w.people {
			u := e.AddUser(ws.ID, p.name, p.email)
			members = append(members, u.ID)
			mw.Users = append(mw.Users, platform.Person{ID: u.ID, Name: u.Name, Email: u.Email, Token: u.Token})
		}
		inst := e.Install(app.ID, ws.ID)
		mw.BotUserID = inst.BotUserID
		d.Workspaces = append(d.Workspaces, platform.DemoWorkspace{Tenant: w.tenant, ID: ws.ID, Name: ws.Name, BotToken: inst.BotToken})
		channels := append([]string(nil), w.channels...)
		if w.tenant == platform.DemoTenant {
			for i := 1; i <= env.BenchChannels; i++ {
				channels = append(channels, fmt.Sprintf("bench-%d", i))
			}
		}
		for i, name := range channels {
			ch := e.AddChannel(ws.ID, name, members...)
			mw.Channels = append(mw.Channels, platform.NamedChannel{ID: ch.ID, Name: ch.Name})
			// The bot is in every demo channel, as an admin who wants to
			// link channels through the admin API would have invited it.
			if err := e.Invite(ws.ID, ch.ID, inst.BotUserID); err != nil {
				return nil, fmt.Errorf("invite bot: %w", err)
			}
			c := platform.Channel{Platform: "slack", Workspace: ws.ID, Channel: ch.ID}
			switch {
			case name == w.linked && w.tenant == platform.DemoTenant:
				d.Room = append(d.Room, c)
			case name == w.linked:
				hooli.Channels = append(hooli.Channels, c)
			case strings.HasPrefix(name, "bench-"):
				// Benchmark pairs: acme's bench-N with globex's bench-N.
				n := i - len(w.channels)
				if n >= len(bench) {
					bench = append(bench, platform.Link{ID: name, Name: name, Tenant: platform.DemoTenant})
				}
				bench[n].Channels = append(bench[n].Channels, c)
			}
		}
		section.Workspaces = append(section.Workspaces, mw)
	}
	d.Links = append(bench, hooli)
	d.Section = section
	signingRef, err := env.Secret("slack-signing-secret", signing)
	if err != nil {
		return nil, err
	}
	d.Settings = map[string]any{"signing_secret": signingRef, "api_url": section.APIURL}
	return d, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
