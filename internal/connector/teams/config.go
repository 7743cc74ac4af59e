package teams

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"parley/internal/connector/rest"
	"parley/internal/egress"
	"parley/internal/secret"
)

// Real Microsoft endpoints; tests and the sandbox point the Config at an
// emulator instead.
const (
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	DefaultIssuer            = "https://api.botframework.com"
	DefaultTokenURL          = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
	DefaultGraphURL          = "https://graph.microsoft.com/v1.0/"
	// DefaultServiceURL is the global Bot Connector endpoint for Teams, used
	// until an activity from the tenant names its regional one.
	DefaultServiceURL = "https://smba.trafficmanager.net/teams/"
)

// defaultServiceHosts are the Bot Connector hosts Teams uses.
var defaultServiceHosts = []string{"smba.trafficmanager.net"}

// DefaultFileHosts are where Teams keeps what activities link to, besides
// Graph and the Bot Connector (always allowed): channel and chat files
// live in SharePoint and OneDrive for Business, whose pre-authenticated
// downloadUrl is on the tenant's *.sharepoint.com (contoso.sharepoint.com,
// contoso-my.sharepoint.com). Sovereign clouds (GCC High: *.sharepoint.us)
// list theirs in file_hosts.
var DefaultFileHosts = []string{"*.sharepoint.com"}

// OAuth scopes of the two APIs the bot calls.
const (
	scopeConnector = "https://api.botframework.com/.default"
	scopeGraph     = "https://graph.microsoft.com/.default"
)

// Config is the Teams connector's configuration: one Azure Bot (Entra app
// registration) serving every installed tenant.
type Config struct {
	// AppID is the bot's Microsoft App ID; inbound tokens must be for it.
	AppID string
	// AppSecret is the app's client secret, for client-credentials tokens.
	AppSecret secret.Secret
	// TenantID is the app's home tenant (single-tenant bots); the Bot
	// Connector token is requested there. Empty means the multi-tenant
	// "botframework.com" authority.
	TenantID string
	// OpenIDMetadataURL lists the keys that sign inbound activities.
	OpenIDMetadataURL string
	// Issuer is the iss inbound tokens must carry.
	Issuer string
	// TokenURL is the token endpoint; "{tenant}" is replaced by the tenant.
	TokenURL string
	// GraphURL is the Microsoft Graph base, with a trailing slash.
	GraphURL string
	// ServiceURL is the Bot Connector base used for a tenant until one of
	// its activities names another (allowed) serviceUrl.
	ServiceURL string
	// AllowedServiceURLs are the hosts (host[:port]) a serviceUrl may point
	// at: the bot's token is never sent anywhere else. Default
	// smba.trafficmanager.net, plus ServiceURL's host.
	AllowedServiceURLs []string
	// FileHosts are the hosts (host, host:port or *.domain) that files and
	// pictures named in activities may be fetched from. Default
	// DefaultFileHosts; the Graph, Bot Connector and allowed serviceUrl
	// hosts above are always allowed too.
	FileHosts []string
	// AllowPrivateAddresses lets the bot's requests reach private,
	// loopback and link-local addresses: only for the sandbox and tests.
	AllowPrivateAddresses bool
	// HTTPClient verifies TLS; default http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives rejections and failures, never content or secrets.
	Logger *slog.Logger
	// Now is the clock for token expiry.
	Now func() time.Time
	// UserCacheTTL and UserCacheSize bound the in-memory directory cache;
	// zero means directory.DefaultTTL and DefaultSize (10 minutes, 5000).
	UserCacheTTL  time.Duration
	UserCacheSize int
	// Reactions keeps the reaction counts drawn on Teams messages across
	// restarts; nil keeps them in memory only (a restart starts counting
	// afresh).
	Reactions ReactionStore
}

func (c Config) withDefaults() Config {
	if c.OpenIDMetadataURL == "" {
		c.OpenIDMetadataURL = DefaultOpenIDMetadataURL
	}
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.TokenURL == "" {
		c.TokenURL = DefaultTokenURL
	}
	if c.GraphURL == "" {
		c.GraphURL = DefaultGraphURL
	}
	if !strings.HasSuffix(c.GraphURL, "/") {
		c.GraphURL += "/"
	}
	if c.ServiceURL == "" {
		c.ServiceURL = DefaultServiceURL
	}
	if !strings.HasSuffix(c.ServiceURL, "/") {
		c.ServiceURL += "/"
	}
	if c.AllowedServiceURLs == nil {
		c.AllowedServiceURLs = append([]string(nil), defaultServiceHosts...)
	}
	if u, err := url.Parse(c.ServiceURL); err == nil && u.Host != "" {
		c.AllowedServiceURLs = append(c.AllowedServiceURLs, u.Host)
	}
	if c.FileHosts == nil {
		c.FileHosts = append([]string(nil), DefaultFileHosts...)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports a configuration that cannot work, naming the field.
func (c Config) Validate() error {
	if strings.TrimSpace(c.AppID) == "" {
		return errors.New("teams: app_id is required: copy the Microsoft App ID from the Azure Bot's Configuration page")
	}
	if c.AppSecret.IsZero() {
		return errors.New("teams: app_secret is required: create a client secret for the bot's app registration")
	}
	for name, v := range map[string]string{
		"openid_metadata_url": c.OpenIDMetadataURL, "token_url": c.TokenURL,
		"graph_url": c.GraphURL, "service_url": c.ServiceURL,
	} {
		if v == "" {
			continue
		}
		u, err := url.Parse(strings.ReplaceAll(v, "{tenant}", "t"))
		if err != nil || u.Host == "" {
			return fmt.Errorf("teams: %s %q is not an absolute URL", name, v)
		}
		if u.Scheme != "https" {
			return fmt.Errorf("teams: %s %q must use https", name, v)
		}
	}
	for _, h := range c.AllowedServiceURLs {
		if h == "" || strings.ContainsAny(h, "/@ ") {
			return fmt.Errorf("teams: allowed_service_hosts entry %q must be a bare host[:port]", h)
		}
	}
	for _, h := range c.FileHosts {
		if err := egress.ValidateHost(h); err != nil {
			return fmt.Errorf("teams: file_hosts: %w", err)
		}
	}
	return nil
}

// egressPolicy is where the bot's requests may go: URLs come from
// activities (serviceUrl, file and picture links), so each is checked
// against the file hosts and the configured Graph and Bot Connector hosts.
func (c Config) egressPolicy() egress.Policy {
	hosts := append(append([]string(nil), c.FileHosts...), c.AllowedServiceURLs...)
	return rest.EgressPolicy(c.AllowPrivateAddresses, hosts, c.GraphURL, c.ServiceURL)
}

// allowedService reports whether a serviceUrl may receive the bot's token:
// https, and its host on the list.
func (c Config) allowedService(serviceURL string) bool {
	u, err := url.Parse(serviceURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return false
	}
	for _, h := range c.AllowedServiceURLs {
		if strings.EqualFold(h, u.Host) {
			return true
		}
	}
	return false
}
