package gchat

import (
	"time"

	"parley/internal/signingkeys"
)

// keysMaxAge: Google's keys are fetched again when an hour old (Google
// serves them with a max-age of several hours and rotates them well ahead
// of use).
const keysMaxAge = time.Hour

// newKeys returns the caches of the two documents Google signs deliveries
// with: Chat's x509 certificates (interaction events) and Google's OIDC
// JWKS (Pub/Sub push).
func newKeys(cfg Config) (chat, oidc *signingkeys.Cache) {
	o := signingkeys.Options{HTTPClient: cfg.HTTPClient, Now: cfg.Now, MaxAge: keysMaxAge}
	chatOpts, oidcOpts := o, o
	chatOpts.URL, chatOpts.Format = cfg.ChatCertsURL, signingkeys.X509Map
	oidcOpts.URL, oidcOpts.Format = cfg.OIDCJWKSURL, signingkeys.JWKS
	return signingkeys.New(chatOpts), signingkeys.New(oidcOpts)
}
