package webex

import (
	"sync"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/outbox"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// Options configure an Emulator; the zero value works. Webex's defaults:
// RetryDelays {1s, 10s, 60s} before redelivery of a failed webhook
// delivery (Webex's own schedule is unpublished), AckTimeout 10s for a
// target to answer. Created/updated times, token lifetimes, rate limits
// and webhook failure windows run on the emulator's clock.
type Options = emulator.Options

// disableAfter is how many failed deliveries within failureWindow disable
// a webhook, as the webhooks guide says.
const disableAfter = 100

// Emulator is an in-memory Webex. Create it with New; all methods are safe
// for concurrent use.
type Emulator struct {
	base *emulator.Base

	// mu guards st. Lock order: mu, then the leaf locks of the base, the
	// webhook lane, the rate limiter, fault table and request log.
	mu sync.Mutex
	st *state

	webhooks *outbox.Outbox
	lane     *outbox.Lane // one, in the order events happened
	limits   *ratelimit.Buckets
	requests requestlog.Log[logEntry]

	// The integration OAuth side (integration.go), guarded by mu.
	oauth   *oauthState
	signer  idp.Signer
	codes   *idp.Codes[webexGrant]
	pending *idp.Pending[webexRequest]
}

// New returns an Emulator. It does no I/O; its delivery goroutine runs until
// Close.
func New(opts Options) *Emulator {
	e := &Emulator{
		base: emulator.NewBase(opts, emulator.Defaults{
			Platform: "webex", Origin: "https://webex.emulator.invalid",
			RetryDelays: []time.Duration{time.Second, 10 * time.Second, time.Minute}, AckTimeout: 10 * time.Second,
		}),
		st:    newState(),
		oauth: newOAuthState(),
	}
	e.limits = ratelimit.NewBuckets(e.now)
	e.codes = &idp.Codes[webexGrant]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[webexRequest]{Now: e.now, TTL: codeLifetime}
	// Webhooks go out in order, one at a time; a failed one's retries run
	// beside the queue so one dead target cannot hold up the rest.
	e.webhooks = outbox.New(e.base, outbox.Policy{Name: "webhooks", Retries: e.base.Opts.RetryDelays})
	e.lane = e.webhooks.NewLane()
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT"; file URLs and APIURL are built from it.
func (e *Emulator) SetBaseURL(u string) { e.base.SetURL(u) }

// APIURL is the REST base, with a trailing slash: base + "/v1/".
func (e *Emulator) APIURL() string { return e.base.URL() + "/v1/" }

// Close stops webhook delivery, including pending retries, and waits for
// its goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() { e.base.Close() }

// DeliveryStats counts webhook deliveries: requests made (Attempts),
// those not answered 2xx in time (Failures), and deliveries given up
// after the last retry or because the webhook was disabled or deleted
// (GivenUp). Tests wait on them instead of sleeping.
func (e *Emulator) DeliveryStats() outbox.Stats { return e.webhooks.Stats() }

// now is Webex's time: resources, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.base.Now() }
