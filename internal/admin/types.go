package admin

import "time"

// The API's JSON shapes. Field names are the contract.

// TenantOut is a tenant as the API shows it.
type TenantOut struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Role is the caller's role in it (absent for the installation
	// operator, who has none).
	Role string `json:"role,omitempty"`
}

// TenantsOut lists tenants.
type TenantsOut struct {
	Tenants []TenantOut `json:"tenants"`
}

// NewTenant creates a tenant.
type NewTenant struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Owners []string `json:"owners"`
}

// Channel names one channel of a link.
type Channel struct {
	Platform  string `json:"platform"`
	Workspace string `json:"workspace"`
	Channel   string `json:"channel"`
}

// LinkIn creates a link; the ID is generated when absent.
type LinkIn struct {
	ID       string    `json:"id,omitempty"`
	Name     string    `json:"name"`
	Channels []Channel `json:"channels"`
}

// LinkPatch changes a link: the fields given replace the link's.
type LinkPatch struct {
	Name     *string    `json:"name,omitempty"`
	Channels *[]Channel `json:"channels,omitempty"`
}

// LinkOut is a link.
type LinkOut struct {
	ID       string    `json:"id"`
	Tenant   string    `json:"tenant"`
	Name     string    `json:"name"`
	Channels []Channel `json:"channels"`
	// Origin is "config" (the config file sets it at every start) or
	// "api".
	Origin string `json:"origin"`
}

// LinksOut is a page of links.
type LinksOut struct {
	Links      []LinkOut `json:"links"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// WorkspaceOut is a connected workspace and its health.
type WorkspaceOut struct {
	Platform string    `json:"platform"`
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Healthy  bool      `json:"healthy"`
	Updated  time.Time `json:"updated"`
	Origin   string    `json:"origin"`
}

// WorkspacesOut lists workspaces.
type WorkspacesOut struct {
	Workspaces []WorkspaceOut `json:"workspaces"`
}

// TrafficOut is a page of the traffic log.
type TrafficOut struct {
	Entries    []TrafficEntry `json:"entries"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// TrafficEntry is one relay attempt, without content: pseudonymous
// channels, sizes and the outcome.
type TrafficEntry struct {
	Time        time.Time `json:"time"`
	Kind        string    `json:"kind"`
	SrcPlatform string    `json:"source_platform"`
	Source      string    `json:"source"`
	DstPlatform string    `json:"destination_platform"`
	Destination string    `json:"destination"`
	Size        int64     `json:"size"`
	Files       int       `json:"files"`
	Outcome     string    `json:"outcome"`
	Attempts    int       `json:"attempts"`
	LatencyMS   int64     `json:"latency_ms"`
}

// AuditOut is a page of the audit log.
type AuditOut struct {
	Entries    []AuditEntry `json:"entries"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// AuditEntry is one audit record. Actor is a pseudonymous person ID (see
// the roles list) or "bootstrap".
type AuditEntry struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Outcome string    `json:"outcome"`
	// Prev and MAC are the chain's links (in exports).
	Prev string `json:"prev,omitempty"`
	MAC  string `json:"mac,omitempty"`
}

// RoleOut is one role assignment.
type RoleOut struct {
	Person   string    `json:"person"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	Provider string    `json:"provider,omitempty"`
	Origin   string    `json:"origin"`
	Updated  time.Time `json:"updated"`
}

// RolesOut is a page of role assignments.
type RolesOut struct {
	Roles      []RoleOut `json:"roles"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// RoleIn assigns a role. Provider, if given, is the only sign-in
// provider trusted to vouch for the email.
type RoleIn struct {
	Email    string `json:"email"`
	Role     string `json:"role"`
	Provider string `json:"provider,omitempty"`
}

// RolePatch changes a role.
type RolePatch struct {
	Role string `json:"role"`
}

// TokenIn creates a personal API token.
type TokenIn struct {
	// ExpiresInDays defaults to, and may not exceed, the deployment's
	// limit (90 days unless configured).
	ExpiresInDays int `json:"expires_in_days,omitempty"`
}

// TokenOut is a personal API token. Token, the secret, is present only
// in the answer that creates it.
type TokenOut struct {
	ID      string    `json:"id"`
	Token   string    `json:"token,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// TokensOut lists tokens.
type TokensOut struct {
	Tokens []TokenOut `json:"tokens"`
}

// MeRole is one of the caller's roles.
type MeRole struct {
	Tenant string `json:"tenant"`
	Role   string `json:"role"`
}

// Me is the caller.
type Me struct {
	ID           string   `json:"id"`
	Installation bool     `json:"installation_operator"`
	Roles        []MeRole `json:"roles"`
	// CSRFToken must be sent as X-CSRF-Token with every state change made
	// with a session cookie.
	CSRFToken string `json:"csrf_token,omitempty"`
}

// ProvidersOut lists sign-in providers.
type ProvidersOut struct {
	Providers []ProviderOut `json:"providers"`
}

// ProviderOut is one sign-in provider.
type ProviderOut struct {
	Name     string `json:"name"`
	LoginURL string `json:"login_url"`
}

// StatusOut is the deployment's counters.
type StatusOut map[string]any
