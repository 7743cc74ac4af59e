package config

import (
	"time"

	"parley/internal/core"
)

// Config is the whole gateway configuration.
type Config struct {
	// DataDir holds the embedded database, the JetStream store and the
	// default key file. Created 0700 if missing.
	DataDir string     `yaml:"data_dir"`
	Public  Listener   `yaml:"public"`
	Admin   Admin      `yaml:"admin"`
	Keys    Keys       `yaml:"keys"`
	Bus     Bus        `yaml:"bus"`
	Store   Store      `yaml:"store"`
	Relay   Relay      `yaml:"relay"`
	Traffic TrafficLog `yaml:"traffic_log"`
	Log     Log        `yaml:"log"`
	TLS     TLS        `yaml:"tls"`
	Egress  Egress     `yaml:"egress"`
	Tenants []Tenant   `yaml:"tenants"`
	// Platforms are the platforms' sections, each keyed by the platform's
	// name and declared by the platform.
	Platforms Sections `yaml:",inline"`
}

// Listener is an HTTPS listener. The public one receives webhooks.
type Listener struct {
	Listen   string `yaml:"listen"`    // host:port; port 0 picks a free port
	CertFile string `yaml:"cert_file"` // PEM certificate chain
	KeyFile  string `yaml:"key_file"`  // PEM private key
	// URL is how platforms reach this listener (behind a load balancer it
	// differs from Listen). Used to print the inbound URLs.
	URL string `yaml:"url"`
}

// Admin is the admin API listener, bound to loopback by default.
type Admin struct {
	Listener `yaml:",inline"`
	// Token is the installation operator's bootstrap bearer token.
	Token        SecretRef `yaml:"token"`
	AdminOptions `yaml:",inline"`
}

// Keys says where the key-encryption key lives.
type Keys struct {
	// KEKURL is "file:///path/kek.json" (default: DataDir/kek.json, created
	// 0600) or a KMS URL (hashivault://…, base64key://…).
	KEKURL string `yaml:"kek_url"`
}

// Bus configures the event bus.
type Bus struct {
	// URL of an external NATS JetStream cluster (tls://host:4222, or a
	// comma-separated list); empty runs JetStream embedded in the process
	// with its store in DataDir.
	URL string `yaml:"url"`
	// MaxAge caps how long an undelivered event stays on the bus.
	MaxAge time.Duration `yaml:"max_age"`
	// CAFile holds the CA certificates trusted for a tls:// URL; empty:
	// tls.ca_file, else the system roots.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are a client certificate for mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// Creds is a NATS user credentials file (JWT and seed), usually
	// file:/path/parley.creds; NKeySeed a user nkey seed. One at most.
	Creds    SecretRef `yaml:"creds"`
	NKeySeed SecretRef `yaml:"nkey_seed"`
	// AllowPlaintext permits a nats:// URL to a host that is not loopback.
	AllowPlaintext bool `yaml:"allow_plaintext"`
}

// Relay tunes relaying.
type Relay struct {
	// MessageMapTTL is how long the link between a message and its copies is
	// kept, so later edits, deletes, replies and reactions find the copies.
	MessageMapTTL time.Duration `yaml:"message_map_ttl"`
	// DeliveryTTL is how long delivery to a destination is retried.
	DeliveryTTL time.Duration `yaml:"delivery_ttl"`
}

// TrafficLog configures the content-free record of what was relayed.
type TrafficLog struct {
	// Retention is how long entries are kept before they are destroyed.
	Retention time.Duration `yaml:"retention"`
}

// Log configures logging.
type Log struct {
	Level string `yaml:"level"` // debug, info, warn, error
}

// TLS configures outbound TLS.
type TLS struct {
	// CAFile, when set, is the only CA trusted for outbound calls (the
	// sandbox's throw-away CA). Empty: the system roots.
	CAFile string `yaml:"ca_file"`
}

// Egress limits where the gateway fetches URLs that came from outside
// (files named in events, a callback URL an event names): only https, only
// each platform's file_hosts and configured API hosts, and never a private,
// loopback or link-local address unless this allows it.
type Egress struct {
	// AllowPrivateAddresses lets those fetches reach non-public addresses.
	// Only for the sandbox and tests, where every platform is on 127.0.0.1:
	// in production it would let a crafted event reach the gateway's
	// network.
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`
}

// Tenant is a customer with its workspaces and links. Tenants given here are
// created (or updated) in the store at start.
type Tenant struct {
	ID         core.TenantID `yaml:"id"`
	Name       string        `yaml:"name"`
	Workspaces []Workspace   `yaml:"workspaces"`
	Links      []Link        `yaml:"links"`
	// Owners and Roles give people (by email) roles in the tenant.
	Owners []string    `yaml:"owners,omitempty"`
	Roles  []RoleGrant `yaml:"roles,omitempty"`
}

// Workspace is one installed workspace and its credentials. BotToken is
// whatever token the platform's app acts with in that workspace (a bot
// token, a service account's token, a relay user's); whether it is
// required is the platform's to say (platform.TokenUse).
type Workspace struct {
	Platform core.Platform    `yaml:"platform"`
	ID       core.WorkspaceID `yaml:"id"`
	Name     string           `yaml:"name"`
	BotToken SecretRef        `yaml:"bot_token"`
}

// Link is a room of channels whose messages are relayed to each other.
type Link struct {
	ID       core.LinkID `yaml:"id"`
	Name     string      `yaml:"name"`
	Channels []Channel   `yaml:"channels"`
}

// Channel names one channel of a link.
type Channel struct {
	Platform  core.Platform    `yaml:"platform"`
	Workspace core.WorkspaceID `yaml:"workspace"`
	Channel   core.ChannelID   `yaml:"channel"`
}

// Ref converts to the core type.
func (c Channel) Ref() core.ChannelRef {
	return core.ChannelRef{Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel}
}
