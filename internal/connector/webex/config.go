package webex

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

// DefaultAPIURL is Webex's REST base; tests and the sandbox point APIURL
// at an emulator instead.
const DefaultAPIURL = "https://webexapis.com/v1/"

// Config is the Webex connector's configuration.
type Config struct {
	// WebhookSecret signs every webhook Install registers; the handler
	// verifies X-Spark-Signature with it.
	WebhookSecret secret.Secret
	// APIURL is the REST base, with a trailing slash. Default DefaultAPIURL.
	APIURL string
	// PublicURL is where Webex should deliver webhooks: the gateway's
	// inbound URL for Webex. Empty: Install registers no webhooks.
	PublicURL string
	// FileHosts are hosts, besides the API host, that file downloads may be
	// redirected to (the token goes to the API host only). Default none:
	// Webex serves files at webexapis.com/v1/contents/….
	FileHosts []string
	// AllowPrivateAddresses lets file downloads reach private, loopback
	// and link-local addresses: only for the sandbox and tests.
	AllowPrivateAddresses bool
	// HTTPClient verifies TLS; default http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives rejections and failures, never content or secrets.
	Logger *slog.Logger
	// Now is the clock for event times of deletions.
	Now func() time.Time
	// FetchTimeout bounds the calls the handler makes to Webex for one
	// delivery. Default 5s.
	FetchTimeout time.Duration
	// UserCacheTTL and UserCacheSize bound the in-memory directory cache;
	// zero means directory.DefaultTTL and DefaultSize (10 minutes, 5000).
	UserCacheTTL  time.Duration
	UserCacheSize int
}

func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
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
	if c.FetchTimeout <= 0 {
		c.FetchTimeout = 5 * time.Second
	}
	return c
}

// egressPolicy is where file downloads may go: their URLs come from
// messages, so each is checked against the API host and the file hosts.
func (c Config) egressPolicy() egress.Policy {
	return rest.EgressPolicy(c.AllowPrivateAddresses, c.FileHosts, c.APIURL)
}

// Validate reports a configuration that cannot work, naming the field.
func (c Config) Validate() error {
	if c.WebhookSecret.IsZero() {
		return errors.New("webex: webhook_secret is required: choose a long random string; Parley registers its webhooks with it")
	}
	for name, v := range map[string]string{"api_url": c.APIURL, "public_url": c.PublicURL} {
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return fmt.Errorf("webex: %s %q is not an absolute URL", name, v)
		}
		if u.Scheme != "https" {
			return fmt.Errorf("webex: %s %q must use https", name, v)
		}
	}
	for _, h := range c.FileHosts {
		if err := egress.ValidateHost(h); err != nil {
			return fmt.Errorf("webex: file_hosts: %w", err)
		}
	}
	return nil
}
