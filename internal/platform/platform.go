// Package platform is the registry's vocabulary: what one chat platform
// declares about itself so that the rest of Parley can loop over the
// platforms instead of naming them. A platform's connector package declares
// its Platform (name, settings, inbound mounts, constructor, validation);
// its emulator package declares its Sandbox (emulator, demo data, the
// user-facing client the sandbox page, the chaos suite and tests act
// through). The one list of platforms is in package builtin.
//
// Caddy's modules and Redpanda Connect's component specs are the models:
// config decoding, documentation, the gateway's wiring and the sandbox all
// hang off this one declaration.
package platform

import (
	"context"
	"log/slog"
	"net/http"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/secret"
)

// Platform is what a connector package declares about its platform.
type Platform struct {
	// Name is the platform's ID in configs, links, manifests and logs,
	// and the key of its section in the config file.
	Name core.Platform
	// Title is how people call it ("Google Chat").
	Title string
	// Settings are the keys of its config section, in documentation order.
	Settings []Setting
	// EnabledBy is the setting that switches the platform on: it runs when
	// that setting has a value, or when a configured workspace is on it.
	EnabledBy string
	// BotToken says what a configured workspace's bot_token is for it.
	BotToken TokenUse
	// Mounts are where its inbound deliveries reach the public listener.
	Mounts []Mount
	// Validate reports settings that cannot work, naming the key. It is
	// the connector's own Config.Validate; config calls it for every
	// enabled platform.
	Validate func(Settings) error
	// New builds the connector from valid settings. It does no I/O.
	New func(Settings, Env) connector.Connector
	// Sandbox is the emulated side; nil leaves the platform out of the
	// sandbox and the chaos suite. The builtin list adds it with With.
	Sandbox *Sandbox
}

// With returns p with its emulated side.
func (p Platform) With(s *Sandbox) Platform {
	p.Sandbox = s
	return p
}

// Setting is one key of a platform's config section.
type Setting struct {
	Key  string
	Kind Kind
	// Default is a String's value when the file leaves it out, shown in
	// the docs. Lists have none here: their connector documents it.
	Default string
	// Doc is one sentence for the settings table.
	Doc string
}

// Kind is what a setting holds.
type Kind int

// The kinds of setting.
const (
	// String is a plain value.
	String Kind = iota
	// List is a sequence of strings.
	List
	// Secret is a reference (env:NAME, file:/path) or, with a warning,
	// an inline value; it never prints.
	Secret
)

func (k Kind) String() string {
	switch k {
	case List:
		return "list"
	case Secret:
		return "secret"
	default:
		return "string"
	}
}

// Settings are a platform's decoded settings, defaults applied. A key the
// platform did not declare reads as empty.
type Settings interface {
	String(key string) string
	List(key string) []string
	Secret(key string) secret.Secret
}

// TokenUse says what a workspace's bot_token is on a platform.
type TokenUse int

// The uses of bot_token.
const (
	// TokenRequired: every workspace has its own token.
	TokenRequired TokenUse = iota
	// TokenOptional: a workspace may have one (a relay user's).
	TokenOptional
	// TokenNone: the app's own credentials serve every workspace.
	TokenNone
)

// Mount is one inbound endpoint on the public listener.
type Mount struct {
	// Name is the endpoint's name in the manifest and the logs
	// (gateway.inbound.<name>).
	Name string
	// Path is the exact path requests are POSTed to.
	Path string
	// StripPrefix is removed from the path before the connector's handler
	// sees it, for a handler that serves several paths.
	StripPrefix string
}

// Env is what the gateway gives every connector it builds.
type Env struct {
	HTTPClient *http.Client
	// Logger is already scoped to the platform.
	Logger *slog.Logger
	// AllowPrivateAddresses is egress.allow_private_addresses.
	AllowPrivateAddresses bool
	// PublicURL is how platforms reach the public listener, without a
	// trailing slash.
	PublicURL string
	// Reactions keeps, across restarts, the reaction state of platforms
	// where Parley draws reactions itself (Teams); nil keeps it in memory.
	Reactions ReactionStore
}

// ReactionStore keeps a platform's reaction state per message: emoji
// names, counts and the IDs of the cards that show them, never content.
// Load reports false for a message never saved.
type ReactionStore interface {
	LoadReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID) ([]byte, bool, error)
	SaveReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID, state []byte) error
}

// Find returns the platform named name.
func Find(ps []Platform, name core.Platform) (Platform, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return Platform{}, false
}

// Setting returns the declaration of key.
func (p Platform) Setting(key string) (Setting, bool) {
	for _, s := range p.Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}
