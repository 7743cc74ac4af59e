package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Manifest is the contract in SANDBOX.md. Field names are binding.
type Manifest struct {
	CAFile        string            `json:"ca_file"`
	Gateway       ManifestGateway   `json:"gateway"`
	GatewayConfig string            `json:"gateway_config"`
	UIURL         string            `json:"ui_url"`
	Platforms     ManifestPlatforms `json:"platforms"`
	Links         []ManifestLink    `json:"links"`
	Tenants       []ManifestTenant  `json:"tenants"`
	Admin         *ManifestAdmin    `json:"admin,omitempty"`
}

// ManifestTenant is one tenant and its links.
type ManifestTenant struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Links []string `json:"links"`
}

// ManifestAdmin says where the admin API is and who may use it.
type ManifestAdmin struct {
	APIURL     string        `json:"api_url"`
	OpenAPIURL string        `json:"openapi_url"`
	ConsoleURL string        `json:"console_url"`
	People     []AdminPerson `json:"people"`
}

// AdminPerson is a demo person with a role in a tenant and a personal API
// token (absent with --no-gateway: no gateway runs to issue one).
type AdminPerson struct {
	Email    string `json:"email"`
	Tenant   string `json:"tenant"`
	Role     string `json:"role"`
	Token    string `json:"token,omitempty"`
	Platform string `json:"platform"`
}

// ManifestGateway says where the gateway is.
type ManifestGateway struct {
	PublicURL  string            `json:"public_url"`
	AdminURL   string            `json:"admin_url"`
	AdminToken string            `json:"admin_token"`
	Inbound    map[string]string `json:"inbound"`
}

// ManifestPlatforms lists each emulated platform.
type ManifestPlatforms struct {
	Slack *ManifestSlack `json:"slack,omitempty"`
	Teams *ManifestTeams `json:"teams,omitempty"`
	GChat *ManifestGChat `json:"gchat,omitempty"`
	Webex *ManifestWebex `json:"webex,omitempty"`
}

// ManifestTeams describes the Microsoft Teams emulator.
type ManifestTeams struct {
	GraphURL   string        `json:"graph_url"`
	ControlURL string        `json:"control_url"`
	Tenants    []TeamsTenant `json:"tenants"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// TeamsTenant is one Microsoft 365 tenant.
type TeamsTenant struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Users []Person    `json:"users"`
	Teams []TeamsTeam `json:"teams"`
}

// TeamsTeam is a team and its channels.
type TeamsTeam struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Channels []NamedChannel `json:"channels"`
}

// ManifestGChat describes the Google Chat emulator.
type ManifestGChat struct {
	APIURL     string        `json:"api_url"`
	ControlURL string        `json:"control_url"`
	Domains    []GChatDomain `json:"domains"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// GChatDomain is one Google Workspace domain.
type GChatDomain struct {
	Name   string       `json:"name"`
	Users  []Person     `json:"users"`
	Spaces []GChatSpace `json:"spaces"`
}

// GChatSpace is a Chat space.
type GChatSpace struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// ManifestWebex describes the Webex emulator.
type ManifestWebex struct {
	APIURL     string     `json:"api_url"`
	ControlURL string     `json:"control_url"`
	Orgs       []WebexOrg `json:"orgs"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// WebexOrg is one Webex organisation.
type WebexOrg struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Users []Person    `json:"users"`
	Rooms []WebexRoom `json:"rooms"`
}

// WebexRoom is a Webex space ("room" in the API).
type WebexRoom struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ManifestSlack describes the Slack emulator.
type ManifestSlack struct {
	APIURL     string           `json:"api_url"`
	ControlURL string           `json:"control_url"`
	Workspaces []SlackWorkspace `json:"workspaces"`
	// OIDCIssuer is the emulator's OpenID provider (sign-in).
	OIDCIssuer string `json:"oidc_issuer"`
}

// SlackWorkspace is one emulated Slack workspace.
type SlackWorkspace struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Users    []Person       `json:"users"`
	Channels []NamedChannel `json:"channels"`
	// Bot is the installed Parley app's bot user, so tests can tell its
	// posts apart.
	BotUserID string `json:"bot_user_id"`
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

// ManifestLink is one demo room.
type ManifestLink struct {
	ID       string            `json:"id"`
	Tenant   string            `json:"tenant"`
	Name     string            `json:"name"`
	Channels []ManifestChannel `json:"channels"`
}

// ManifestChannel is one channel of a room.
type ManifestChannel struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace"`
	Channel   string `json:"channel"`
}

// write stores the manifest atomically: readers never see half a file.
func (m *Manifest) write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".manifest-*")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("manifest: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadManifest loads a manifest written by a sandbox.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &m, nil
}
