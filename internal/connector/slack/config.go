package slack

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

// DefaultAPIURL is Slack's Web API base; tests and the sandbox point APIURL
// at an emulator instead.
const DefaultAPIURL = "https://slack.com/api/"

// defaultFileHost serves url_private and url_private_download, and takes
// the bytes of files.getUploadURLExternal's upload_url, on real Slack.
const defaultFileHost = "files.slack.com"

// Config is the Slack connector's configuration.
type Config struct {
	// SigningSecret is the Slack app's signing secret; it verifies every
	// inbound request.
	SigningSecret secret.Secret
	// APIURL is the Web API base, with a trailing slash. Default DefaultAPIURL.
	APIURL string
	// FileHosts are hosts, besides the API host, that may receive the bot
	// token when downloading files. Default: files.slack.com when APIURL is
	// Slack's, none otherwise.
	FileHosts []string
	// AllowPrivateAddresses lets file transfers reach private, loopback
	// and link-local addresses: only for the sandbox and tests.
	AllowPrivateAddresses bool
	// HTTPClient verifies TLS; default http.DefaultClient.
	HTTPClient *http.Client
	// Logger receives rejections and failures, never content or secrets.
	Logger *slog.Logger
	// Now is the clock used for the signature's replay window.
	Now func() time.Time
	// UserCacheTTL and UserCacheSize bound the in-memory directory cache;
	// zero means directory.DefaultTTL and DefaultSize (10 minutes, 5000).
	UserCacheTTL  time.Duration
	UserCacheSize int
}

// withDefaults fills in the zero fields.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.FileHosts == nil && c.APIURL == DefaultAPIURL {
		c.FileHosts = []string{defaultFileHost}
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
	if c.SigningSecret.IsZero() {
		return errors.New("slack: signing_secret is required: copy it from the app's Basic Information page")
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("slack: api_url %q is not an absolute URL", c.APIURL)
		}
		if u.Scheme != "https" {
			return fmt.Errorf("slack: api_url %q must use https", c.APIURL)
		}
	}
	for _, h := range c.FileHosts {
		if err := egress.ValidateHost(h); err != nil {
			return fmt.Errorf("slack: file_hosts: %w", err)
		}
	}
	return nil
}

// egressPolicy is where file transfers may go: the URLs come from events
// (url_private) and API answers (upload_url), so each is checked against
// the file hosts and the API host.
func (c Config) egressPolicy() egress.Policy {
	return rest.EgressPolicy(c.AllowPrivateAddresses, c.FileHosts, c.APIURL)
}
