package webex

import (
	"crypto/rand"
	"encoding/hex"

	"parley/internal/emulator"
	"parley/internal/platform"
)

// Sandbox is Webex's emulated side in the registry.
var Sandbox = &platform.Sandbox{
	Start:  func(o emulator.Options) platform.Emulator { return &sandboxEmulator{Emulator: New(o)} },
	Client: newUserClient,
}

// SandboxManifest is platforms.webex in the sandbox manifest (SANDBOX.md).
type SandboxManifest struct {
	APIURL     string       `json:"api_url"`
	ControlURL string       `json:"control_url"`
	Orgs       []SandboxOrg `json:"orgs"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// SandboxOrg is one Webex organisation.
type SandboxOrg struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Users []platform.Person `json:"users"`
	Rooms []SandboxRoom     `json:"rooms"`
}

// SandboxRoom is a Webex space ("room" in the API).
type SandboxRoom struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type sandboxEmulator struct {
	*Emulator
	base string
}

func (e *sandboxEmulator) SetBaseURL(u string) { e.base = u; e.Emulator.SetBaseURL(u) }
func (e *sandboxEmulator) Native() any         { return e.Emulator }

// The demo's Webex company, umbrella. Carol (carol@acme.example) is on
// every platform, so a mention of her becomes native everywhere.
var demoPeople = []struct{ name, email string }{{"grace", "grace@umbrella.example"}, {"carol", "carol@acme.example"}, {"ivan", "ivan@umbrella.example"}}

func (e *sandboxEmulator) Demo(env platform.DemoEnv) (*platform.Demo, error) {
	org := e.AddOrg("umbrella")
	mo := SandboxOrg{ID: org.ID, Name: org.Name}
	var members []string
	for _, p := range demoPeople {
		u := e.AddPerson(org.ID, p.name, p.email)
		members = append(members, u.ID)
		mo.Users = append(mo.Users, platform.Person{ID: u.ID, Name: p.name, Email: u.Email, Token: u.Token})
	}
	// Parley reads every message through a service account's integration
	// token: a bot would only hear messages that mention it.
	svc := e.AddPerson(org.ID, "Parley", "parley@umbrella.example")
	room := e.AddRoom(org.ID, "Partners", append(members, svc.ID)...)
	mo.Rooms = append(mo.Rooms, SandboxRoom{ID: room.ID, Title: room.Title})
	signInSecret := randomHex(20)
	admin := e.AddIntegration(IntegrationSpec{ClientSecret: signInSecret, Name: "Parley admin", RedirectURIs: []string{env.SignInCallback("webex")}})
	hookRef, err := env.Secret("webex-webhook-secret", randomHex(24))
	if err != nil {
		return nil, err
	}
	return &platform.Demo{
		Section:    SandboxManifest{APIURL: e.APIURL(), ControlURL: e.base + "/_emulator/", Orgs: []SandboxOrg{mo}, OIDCIssuer: e.IssuerURL()},
		Settings:   map[string]any{"webhook_secret": hookRef, "api_url": e.APIURL()},
		Workspaces: []platform.DemoWorkspace{{Tenant: platform.DemoTenant, ID: org.ID, Name: "umbrella", BotToken: svc.Token}},
		Room:       []platform.Channel{{Platform: "webex", Workspace: org.ID, Channel: room.ID}},
		SignIn:     &platform.SignIn{Name: "webex", Issuer: e.IssuerURL(), ClientID: admin.ClientID, ClientSecret: signInSecret},
		People:     []platform.AdminPerson{{Email: "grace@umbrella.example", Tenant: platform.DemoTenant, Role: "viewer"}},
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
