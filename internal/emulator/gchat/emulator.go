package gchat

import (
	"sync"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/outbox"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// Options configure an Emulator; the zero value works. Google Chat's
// defaults: RetryDelays {10s, 20s, 40s, 80s, 160s, 320s, 600s}, Pub/Sub's
// exponential backoff, before push retry 1..n of one message; AckTimeout
// 10s, a push subscription's default ack deadline. Interaction events
// are not retried and wait 30 s for the app's answer, as Chat does.
// Resource times, token and subscription lifetimes and limits run on the
// emulator's clock.
type Options = emulator.Options

// Emulator is an in-memory Google Chat: the Chat REST API subset a bridge
// needs, the OAuth2 token endpoint, interaction-event delivery, the
// Workspace Events API and Pub/Sub push delivery, and a control API.
// Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	base *emulator.Base

	// mu guards st. Lock order: mu, then the leaf locks of the base, a
	// delivery lane, the rate limiter, fault table and request log.
	mu sync.Mutex
	st *state

	// chatKey signs interaction-event tokens (iss
	// chat@system.gserviceaccount.com); oidcKey signs Google OIDC ID
	// tokens for Pub/Sub push. Both are fixed for the emulator's life.
	chatKey *signingKey
	oidcKey *signingKey

	// interactions are sent once, in order per app; pushes are an ordered
	// Pub/Sub subscription's: retried before the next message goes.
	interactions, pushes *outbox.Outbox
	limits               *ratelimit.Buckets
	requests             requestlog.Log[logEntry]
	// lifecycleWake nudges the subscription lifecycle goroutine (started
	// with the first subscription) to look again.
	lifecycleWake  chan struct{}
	lifecycleStart sync.Once

	// The user-consent side (signin.go), guarded by mu.
	oauth   *oauthState
	codes   *idp.Codes[googleGrant]
	pending *idp.Pending[googleRequest]
}

// New returns an Emulator. It does no network I/O; delivery goroutines
// start when apps are registered and stop on Close.
func New(opts Options) *Emulator {
	e := &Emulator{
		base: emulator.NewBase(opts, emulator.Defaults{
			Platform: "gchat", Origin: "https://gchat.emulator.invalid",
			RetryDelays: []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second,
				80 * time.Second, 160 * time.Second, 320 * time.Second, 600 * time.Second},
			AckTimeout: 10 * time.Second,
		}),
		st:            newState(),
		lifecycleWake: make(chan struct{}, 1),
	}
	e.interactions = outbox.New(e.base, outbox.Policy{Name: "interaction"})
	e.pushes = outbox.New(e.base, outbox.Policy{Name: "push", Retries: e.base.Opts.RetryDelays, InOrder: true})
	e.limits = ratelimit.NewBuckets(e.now)
	// Certificates are checked by receivers, on their clocks.
	e.chatKey = newSigningKey(chatIssuer, e.wall())
	e.oidcKey = newSigningKey("accounts.google.com", e.wall())
	e.base.Clock.OnAdvance(e.clockAdvanced)
	e.oauth = newOAuthState()
	e.codes = &idp.Codes[googleGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[googleRequest]{Now: e.now, TTL: codeLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT". Every URL the emulator hands out (token_uri in
// service-account keys, download URIs, the token audience) derives from it,
// so call it before RegisterApp.
func (e *Emulator) SetBaseURL(u string) { e.base.SetURL(u) }

// APIURL is the Chat API root, the value for option.WithEndpoint and
// @googleapis/chat's rootUrl: BASE + "/" (paths start with v1/).
func (e *Emulator) APIURL() string { return e.base.URL() + "/" }

// TokenURL is the OAuth2 token endpoint (stand-in for
// https://oauth2.googleapis.com/token).
func (e *Emulator) TokenURL() string { return e.base.URL() + "/token" }

// ChatCertsURL serves the x509 certificates (JSON kid → PEM) that verify
// interaction-event tokens, like
// https://www.googleapis.com/service_accounts/v1/metadata/x509/chat@system.gserviceaccount.com.
func (e *Emulator) ChatCertsURL() string { return e.base.URL() + "/certs" }

// OIDCJWKSURL serves the JWKS of Google's OIDC ID tokens (stand-in for
// https://www.googleapis.com/oauth2/v3/certs).
func (e *Emulator) OIDCJWKSURL() string { return e.base.URL() + "/oauth2/v3/certs" }

// OIDCCertsURL serves the same keys as OIDCJWKSURL as x509 PEM
// certificates (stand-in for https://www.googleapis.com/oauth2/v1/certs,
// what google-auth-library fetches).
func (e *Emulator) OIDCCertsURL() string { return e.base.URL() + "/oauth2/v1/certs" }

// WorkspaceEventsURL is the Workspace Events API root, the value for
// option.WithEndpoint with google.golang.org/api/workspaceevents/v1
// (paths start with v1/subscriptions).
func (e *Emulator) WorkspaceEventsURL() string { return e.base.URL() + "/workspaceevents/" }

// ControlURL is the emulator's control API (SANDBOX.md), not part of
// Google Chat.
func (e *Emulator) ControlURL() string { return e.base.URL() + "/_emulator/" }

// Close stops deliveries, including pending retries, and waits for the
// delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() { e.base.Close() }

// now is Google's time: resources, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.base.Now() }

// wall stamps what a receiver checks on its own clock: the iat and exp of
// tokens Google signs, and the lifetime of assertions apps sign.
func (e *Emulator) wall() time.Time { return e.base.Wall() }
