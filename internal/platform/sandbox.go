package platform

import (
	"context"
	"encoding/json"
	"net/http"

	"parley/internal/emulator"
)

// Sandbox is a platform's emulated side, declared by its emulator
// package: what `parley sandbox`, the chaos suite and end-to-end tests
// need to run the platform locally and act in it as its people do.
type Sandbox struct {
	// Start creates the emulator. It does no I/O: the sandbox serves its
	// Handler on a TLS listener, then tells it its URL.
	Start func(emulator.Options) Emulator
	// Client reads the platform's section of a manifest and returns the
	// user-facing client that acts in it with the demo people's tokens.
	Client func(section json.RawMessage, hc *http.Client) (Client, error)
}

// Emulator is a running emulator as the sandbox drives it.
type Emulator interface {
	Handler() http.Handler
	SetBaseURL(url string)
	// Demo creates the platform's part of the demo and says how the
	// gateway reaches it. Called once, after SetBaseURL.
	Demo(DemoEnv) (*Demo, error)
	// Native is the platform's own emulator type, for tools and tests
	// that know the platform.
	Native() any
	Close()
}

// DemoTenant is the tenant of the demo room every platform joins.
const DemoTenant = "demo"

// DemoEnv is what a platform's demo is built with.
type DemoEnv struct {
	// PublicURL is the gateway's public listener, without a trailing slash.
	PublicURL string
	// SignInCallback is the admin console's redirect URI for a sign-in
	// provider name.
	SignInCallback func(provider string) string
	// BenchChannels is how many extra linked channel pairs benchmarks
	// asked for; a platform that offers them adds them.
	BenchChannels int
	// Secret keeps value where the gateway's config can reference it and
	// returns the reference (file:/…) to put in Settings.
	Secret func(name, value string) (string, error)
}

// Demo is a platform's part of the sandbox's demo.
type Demo struct {
	// Section is the manifest's platforms.<name> (SANDBOX.md).
	Section any
	// Settings is the gateway config's <name>: section, secrets as
	// references from DemoEnv.Secret.
	Settings map[string]any
	// Workspaces are installed in the gateway; BotToken is the value (the
	// sandbox stores it as a secret).
	Workspaces []DemoWorkspace
	// Room are the channels that join the demo tenant's shared room.
	Room []Channel
	// Links are further links (benchmark pairs, other tenants' rooms).
	Links []Link
	// Tenants are tenants the platform's demo adds besides DemoTenant.
	Tenants []Tenant
	// SignIn registers the admin console with the platform's identity
	// provider; nil when it has none.
	SignIn *SignIn
	// People get roles in tenants and sign in with this platform.
	People []AdminPerson
}

// DemoWorkspace is a workspace the gateway installs.
type DemoWorkspace struct {
	Tenant, ID, Name, BotToken string
}

// Tenant is a demo tenant.
type Tenant struct {
	ID, Name string
}

// SignIn is an OpenID client registered for the admin console.
type SignIn struct {
	Name, Issuer, ClientID, ClientSecret string
	TrustEmailClaim                      bool
}

// AdminPerson is a demo person with a role in a tenant.
type AdminPerson struct {
	Email, Tenant, Role string
}

// Person is an emulated person and their user token.
type Person struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Token string `json:"token"`
}

// NamedChannel is a channel and its name.
type NamedChannel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Link is a room of channels, as the manifest lists it.
type Link struct {
	ID       string    `json:"id"`
	Tenant   string    `json:"tenant"`
	Name     string    `json:"name"`
	Channels []Channel `json:"channels"`
}

// Channel is one channel of a link.
type Channel struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace"`
	Channel   string `json:"channel"`
}

// Client acts on a platform through its user-facing API, with the demo
// people's tokens, exactly as their own clients would: the sandbox's page,
// the chaos suite and tests post and read through it. Calls honour 429
// Retry-After and retry 5xx answers, as official clients do.
type Client interface {
	// ControlURL is the emulator's control API (faults, clock).
	ControlURL() string
	// Workspaces lists the demo workspaces with their people.
	Workspaces() []Workspace
	// ChannelName is a channel's display name, "" when unknown.
	ChannelName(workspace, channel string) string
	// Post posts text as a person, as a reply in thread when thread is
	// not "", and returns the message's ID.
	Post(ctx context.Context, as Person, workspace, channel, text, thread string) (string, error)
	// Read lists every message of a channel as a person sees it, oldest
	// first, thread replies included (after their roots).
	Read(ctx context.Context, as Person, workspace, channel string) ([]Message, error)
}

// Workspace is a demo workspace and its people.
type Workspace struct {
	ID, Name string
	People   []Person
}

// Message is a message as a platform's user API lists it.
type Message struct {
	ID string
	// Thread is the ID of the thread's first message; "" at top level.
	Thread    string
	Author    string
	Text      string
	Bot       bool
	Reactions []string
	Files     []string
	// Raw is the message as the API returned it.
	Raw string
}
