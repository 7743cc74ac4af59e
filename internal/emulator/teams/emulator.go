package teams

import (
	"sync"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/outbox"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// Options configure an Emulator; the zero value works. Teams' defaults:
// RetryDelays {1s, 2s, 4s} before redelivery of an activity the bot did
// not acknowledge with a 2xx (Microsoft does not document the Connector's
// schedule, so this is a guess that keeps tests fast), AckTimeout 15s
// (Microsoft documents about 15 s for Teams before the user sees an
// error). Message IDs, timestamps, token lifetimes and rate limits run on
// the emulator's clock; the tokens on activities sent to bots are stamped
// with the wall clock the bot checks them against.
type Options = emulator.Options

// Emulator is an in-memory Teams: Bot Connector, the login and Bot
// Framework identity endpoints, a Graph v1.0 subset and a control API.
// Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	base *emulator.Base

	// mu guards st. Lock order: mu, then the leaf locks of the base, a
	// bot's activity lane, the signing keys, rate limiter, fault table and
	// request log.
	mu sync.Mutex
	st *state

	activities *outbox.Outbox
	keys       *keyRing
	limits     *ratelimit.Windows
	requests   requestlog.Log[RequestRecord]

	// The sign-in and consent side (entra.go), guarded by mu.
	entra   *entraState
	codes   *idp.Codes[entraGrant]
	pending *idp.Pending[entraRequest]
}

// New returns an Emulator. It does no I/O; delivery goroutines start when
// bots are registered and stop on Close.
func New(opts Options) *Emulator {
	e := &Emulator{
		base: emulator.NewBase(opts, emulator.Defaults{
			Platform: "teams", Origin: "https://teams.emulator.invalid",
			RetryDelays: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, AckTimeout: 15 * time.Second,
		}),
		st:    newState(),
		entra: newEntraState(),
	}
	// The Connector retries in place, so a later activity never overtakes
	// an earlier one (an edit must not arrive before its message).
	e.activities = outbox.New(e.base, outbox.Policy{Name: "activities", Retries: e.base.Opts.RetryDelays, InOrder: true})
	e.keys = newKeyRing(e.base.Clock.Now, e.base.Clock.Wall)
	e.limits = ratelimit.NewWindows(e.now)
	e.codes = &idp.Codes[entraGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[entraRequest]{Now: e.now, TTL: codeLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT" (no trailing slash). Every URL the emulator
// hands out (serviceUrl, metadata, download URLs) is built from it; until
// it is called they point at an unresolvable placeholder host.
func (e *Emulator) SetBaseURL(u string) { e.base.SetURL(u) }

// ServiceURL is the Bot Connector base put in every activity's serviceUrl,
// with the trailing slash Teams uses.
func (e *Emulator) ServiceURL() string { return e.base.URL() + "/" }

// OpenIDMetadataURL serves the OpenID configuration whose jwks_uri lists
// the keys that sign activities sent to bots (issuer IssuerBotFramework).
func (e *Emulator) OpenIDMetadataURL() string {
	return e.base.URL() + "/botframework/v1/.well-known/openidconfiguration"
}

// JWKSURL is the jwks_uri named in the OpenID metadata.
func (e *Emulator) JWKSURL() string { return e.base.URL() + "/botframework/v1/.well-known/keys" }

// TokenURL is the client-credentials token endpoint of tenantID (or of
// "botframework.com", the legacy multi-tenant authority).
func (e *Emulator) TokenURL(tenantID string) string {
	return e.base.URL() + "/" + tenantID + "/oauth2/v2.0/token"
}

// LoginURL is the authority botbuilder's ToChannelFromBotLoginUrl takes:
// the token URL without "/oauth2/v2.0/token".
func (e *Emulator) LoginURL(tenantID string) string { return e.base.URL() + "/" + tenantID }

// GraphURL is the Microsoft Graph v1.0 base, with a trailing slash.
func (e *Emulator) GraphURL() string { return e.base.URL() + "/v1.0/" }

// ControlURL is the base of the /_emulator/ control API (SANDBOX.md).
func (e *Emulator) ControlURL() string { return e.base.URL() + "/_emulator/" }

// Close stops activity delivery, including pending retries, and waits for
// the delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() { e.base.Close() }

// now is Microsoft's time: IDs, timestamps, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.base.Now() }
