package teams

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"parley/internal/emulator"
	"parley/internal/platform"
)

// Sandbox is Teams' emulated side in the registry.
var Sandbox = &platform.Sandbox{
	Start:  func(o emulator.Options) platform.Emulator { return &sandboxEmulator{New(o)} },
	Client: newUserClient,
}

// SandboxManifest is platforms.teams in the sandbox manifest (SANDBOX.md).
type SandboxManifest struct {
	GraphURL   string          `json:"graph_url"`
	ControlURL string          `json:"control_url"`
	Tenants    []SandboxTenant `json:"tenants"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// SandboxTenant is one Microsoft 365 tenant.
type SandboxTenant struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Users []platform.Person `json:"users"`
	Teams []SandboxTeam     `json:"teams"`
}

// SandboxTeam is a team and its channels.
type SandboxTeam struct {
	ID       string                  `json:"id"`
	Name     string                  `json:"name"`
	Channels []platform.NamedChannel `json:"channels"`
}

type sandboxEmulator struct{ *Emulator }

func (e sandboxEmulator) Native() any { return e.Emulator }

// The demo's Teams company, contoso. Carol (carol@acme.example) is on
// every platform, so a mention of her becomes native everywhere.
var demoPeople = []struct{ name, email string }{{"judy", "judy@contoso.example"}, {"carol", "carol@acme.example"}, {"mallory", "mallory@contoso.example"}}

// messagesPath mirrors the connector's messaging endpoint path; the
// emulator does not import the connector.
const messagesPath = "/teams/messages"

func (e sandboxEmulator) Demo(env platform.DemoEnv) (*platform.Demo, error) {
	appSecret := randomHex(20)
	ten := e.AddTenant("contoso")
	mt := SandboxTenant{ID: ten.ID, Name: ten.Name}
	var members []string
	for _, p := range demoPeople {
		u := e.AddUser(ten.ID, p.name, p.email)
		members = append(members, u.ID)
		mt.Users = append(mt.Users, platform.Person{ID: u.ID, Name: p.name, Email: u.Email, Token: u.Token})
	}
	team := e.AddTeam(ten.ID, "Contoso", members...)
	ch := e.AddChannel(ten.ID, team.ID, "Partners")
	mt.Teams = append(mt.Teams, SandboxTeam{ID: team.ID, Name: team.Name, Channels: []platform.NamedChannel{
		{ID: team.GeneralChannel.ID, Name: team.GeneralChannel.Name}, {ID: ch.ID, Name: ch.Name},
	}})
	bot := e.RegisterBot(BotSpec{AppSecret: appSecret, Name: "Parley", Endpoint: env.PublicURL + messagesPath})
	if err := e.InstallBot(bot.AppID, team.ID); err != nil {
		return nil, fmt.Errorf("install the Teams bot: %w", err)
	}
	// The admin console signs people in with Entra ID. It sends no
	// email_verified; its single-tenant issuer is the tenant's own
	// directory, whose admins own the addresses.
	signInSecret := randomHex(20)
	admin := e.RegisterApp(AppSpec{ClientSecret: signInSecret, Name: "Parley admin", HomeTenant: ten.ID, RedirectURIs: []string{env.SignInCallback("teams")}})
	secretRef, err := env.Secret("teams-app-secret", appSecret)
	if err != nil {
		return nil, err
	}
	return &platform.Demo{
		Section: SandboxManifest{GraphURL: e.GraphURL(), ControlURL: e.ControlURL(), Tenants: []SandboxTenant{mt}, OIDCIssuer: e.IssuerURL(ten.ID)},
		Settings: map[string]any{
			"app_id": bot.AppID, "app_secret": secretRef, "tenant_id": ten.ID,
			"openid_metadata_url": e.OpenIDMetadataURL(), "token_url": e.TokenURL("{tenant}"),
			"graph_url": e.GraphURL(), "service_url": e.ServiceURL(),
		},
		Workspaces: []platform.DemoWorkspace{{Tenant: platform.DemoTenant, ID: ten.ID, Name: ten.Name}},
		Room:       []platform.Channel{{Platform: "teams", Workspace: ten.ID, Channel: ch.ID}},
		SignIn:     &platform.SignIn{Name: "teams", Issuer: e.IssuerURL(ten.ID), ClientID: admin.ClientID, ClientSecret: signInSecret, TrustEmailClaim: true},
		People:     []platform.AdminPerson{{Email: "judy@contoso.example", Tenant: platform.DemoTenant, Role: "operator"}},
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
