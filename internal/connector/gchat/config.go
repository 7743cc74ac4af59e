package gchat

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

// Google's endpoints; tests and the sandbox point the Config at an emulator.
const (
	DefaultAPIURL       = "https://chat.googleapis.com/"
	DefaultEventsAPIURL = "https://workspaceevents.googleapis.com/"
	DefaultTokenURL     = "https://oauth2.googleapis.com/token"
	DefaultChatCertsURL = "https://www.googleapis.com/service_accounts/v1/metadata/x509/chat@system.gserviceaccount.com"
	DefaultOIDCJWKSURL  = "https://www.googleapis.com/oauth2/v3/certs"
	DefaultChatIssuer   = "chat@system.gserviceaccount.com"
)

// DefaultFileHosts are where attachments are downloaded from: Chat serves
// media.download at chat.googleapis.com/v1/media/{resourceName}.
var DefaultFileHosts = []string{"chat.googleapis.com"}

// Config is the Google Chat connector's configuration: one Chat app (a
// Cloud project and its service account) serving every installed domain.
type Config struct {
	// ServiceAccountKey is the app's service-account key JSON.
	ServiceAccountKey secret.Secret
	// ProjectNumber is the audience of interaction-event tokens.
	ProjectNumber string
	// PushAudience is the audience configured on the Pub/Sub push
	// subscription; PushServiceAccount is the email of the service account
	// it authenticates as.
	PushAudience       string
	PushServiceAccount string
	// PubsubTopic receives the Workspace Events subscriptions' events:
	// "projects/PROJECT/topics/TOPIC". Default projects/PROJECT_NUMBER/topics/parley-events.
	PubsubTopic string
	// APIURL, EventsAPIURL, TokenURL, ChatCertsURL, OIDCJWKSURL and
	// ChatIssuer default to Google's.
	APIURL       string
	EventsAPIURL string
	TokenURL     string
	ChatCertsURL string
	OIDCJWKSURL  string
	ChatIssuer   string
	// FileHosts are the hosts attachments may be downloaded from, besides
	// APIURL's. Default DefaultFileHosts.
	FileHosts []string
	// AllowPrivateAddresses lets downloads reach private, loopback and
	// link-local addresses: only for the sandbox and tests.
	AllowPrivateAddresses bool
	// HTTPClient verifies TLS; default http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives rejections and failures, never content or secrets.
	Logger *slog.Logger
	// Now is the clock for token expiry checks.
	Now func() time.Time
	// UserCacheTTL and UserCacheSize bound the in-memory directory cache;
	// zero means directory.DefaultTTL and DefaultSize (10 minutes, 5000).
	UserCacheTTL  time.Duration
	UserCacheSize int
}

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.APIURL, DefaultAPIURL)
	def(&c.EventsAPIURL, DefaultEventsAPIURL)
	def(&c.ChatCertsURL, DefaultChatCertsURL)
	def(&c.OIDCJWKSURL, DefaultOIDCJWKSURL)
	def(&c.ChatIssuer, DefaultChatIssuer)
	for _, s := range []*string{&c.APIURL, &c.EventsAPIURL} {
		if !strings.HasSuffix(*s, "/") {
			*s += "/"
		}
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
	if c.ServiceAccountKey.IsZero() {
		return errors.New("gchat: service_account_key is required: create a key for the Chat app's service account")
	}
	if c.ProjectNumber == "" {
		return errors.New("gchat: project_number is required: it is the audience of Chat's interaction tokens")
	}
	if c.PushAudience == "" || c.PushServiceAccount == "" {
		return errors.New("gchat: push_audience and push_service_account are required: copy them from the Pub/Sub push subscription")
	}
	if c.PubsubTopic != "" && !strings.HasPrefix(c.PubsubTopic, "projects/") {
		return fmt.Errorf("gchat: pubsub_topic %q must look like projects/P/topics/T", c.PubsubTopic)
	}
	for name, v := range map[string]string{"api_url": c.APIURL, "events_api_url": c.EventsAPIURL,
		"token_url": c.TokenURL, "chat_certs_url": c.ChatCertsURL, "oidc_jwks_url": c.OIDCJWKSURL} {
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || u.Scheme != "https" {
			return fmt.Errorf("gchat: %s %q must be an absolute https URL", name, v)
		}
	}
	for _, h := range c.FileHosts {
		if err := egress.ValidateHost(h); err != nil {
			return fmt.Errorf("gchat: file_hosts: %w", err)
		}
	}
	return nil
}

// egressPolicy is where attachment downloads may go: the resource name
// comes from an event, and the answer may redirect, so each request is
// checked against the file hosts and the API host.
func (c Config) egressPolicy() egress.Policy {
	return rest.EgressPolicy(c.AllowPrivateAddresses, c.FileHosts, c.APIURL)
}

// Config returns the connector's configuration with defaults filled in.
func (c *Connector) Config() Config { return c.cfg }
