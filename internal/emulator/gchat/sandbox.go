package gchat

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"parley/internal/emulator"
	"parley/internal/platform"
)

// Sandbox is Google Chat's emulated side in the registry.
var Sandbox = &platform.Sandbox{
	Start:  func(o emulator.Options) platform.Emulator { return &sandboxEmulator{New(o)} },
	Client: newUserClient,
}

// SandboxManifest is platforms.gchat in the sandbox manifest (SANDBOX.md).
type SandboxManifest struct {
	APIURL     string          `json:"api_url"`
	ControlURL string          `json:"control_url"`
	Domains    []SandboxDomain `json:"domains"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// SandboxDomain is one Google Workspace domain.
type SandboxDomain struct {
	Name   string            `json:"name"`
	Users  []platform.Person `json:"users"`
	Spaces []SandboxSpace    `json:"spaces"`
}

// SandboxSpace is a Chat space.
type SandboxSpace struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

type sandboxEmulator struct{ *Emulator }

func (e sandboxEmulator) Native() any { return e.Emulator }

// The demo's Google Chat company, initech. Carol (carol@acme.example) is
// on every platform, so a mention of her becomes native everywhere.
var demoPeople = []struct{ name, email string }{{"frank", "frank@initech.example"}, {"carol", "carol@acme.example"}, {"heidi", "heidi@initech.example"}}

// The inbound paths mirror the connector's; the emulator does not import
// the connector.
const (
	pushPath        = "/gchat/pubsub"
	interactionPath = "/gchat/events"
)

func (e sandboxEmulator) Demo(env platform.DemoEnv) (*platform.Demo, error) {
	dom := e.AddDomain("initech.example")
	md := SandboxDomain{Name: dom.Name}
	var members []string
	for _, p := range demoPeople {
		u := e.AddUser(dom.Name, p.name, p.email)
		members = append(members, u.Name)
		md.Users = append(md.Users, platform.Person{ID: u.Name, Name: p.name, Email: u.Email, Token: u.Token})
	}
	// Reactions and files need a person's authority in Google Chat: a
	// dedicated relay account, the way an admin would set one up.
	relay := e.AddUser(dom.Name, "Parley Relay", "parley-relay@initech.example")
	space := e.AddSpace(dom.Name, "Partners", append(members, relay.Name)...)
	md.Spaces = append(md.Spaces, SandboxSpace{Name: space.Name, DisplayName: space.DisplayName})
	app := e.RegisterApp(AppSpec{
		ProjectNumber: "424242424242", Name: "Parley",
		InteractionEndpoint: env.PublicURL + interactionPath, PushEndpoint: env.PublicURL + pushPath,
	})
	if err := e.AddAppToSpace(app, space.Name); err != nil {
		return nil, fmt.Errorf("add app to space: %w", err)
	}
	signInSecret := randomHex(20)
	admin := e.RegisterOAuthClient(OAuthClientSpec{ClientSecret: signInSecret, Name: "Parley admin", RedirectURIs: []string{env.SignInCallback("gchat")}})
	keyRef, err := env.Secret("gchat-service-account.json", string(app.ServiceAccountKeyJSON))
	if err != nil {
		return nil, err
	}
	return &platform.Demo{
		Section: SandboxManifest{APIURL: e.APIURL(), ControlURL: e.ControlURL(), Domains: []SandboxDomain{md}, OIDCIssuer: e.IssuerURL()},
		Settings: map[string]any{
			"service_account_key": keyRef, "project_number": app.ProjectNumber,
			"push_audience": env.PublicURL + pushPath, "push_service_account": app.PushServiceAccountEmail,
			"pubsub_topic": app.PubSubTopic, "api_url": e.APIURL(), "events_api_url": e.WorkspaceEventsURL(),
			"token_url": e.TokenURL(), "chat_certs_url": e.ChatCertsURL(), "oidc_jwks_url": e.OIDCJWKSURL(),
		},
		Workspaces: []platform.DemoWorkspace{{Tenant: platform.DemoTenant, ID: dom.Name, Name: "initech", BotToken: relay.Token}},
		Room:       []platform.Channel{{Platform: "gchat", Workspace: dom.Name, Channel: space.Name}},
		SignIn:     &platform.SignIn{Name: "gchat", Issuer: e.IssuerURL(), ClientID: admin.ClientID, ClientSecret: signInSecret},
		People:     []platform.AdminPerson{{Email: "frank@initech.example", Tenant: platform.DemoTenant, Role: "auditor"}},
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
