package slack

import (
	"sync"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/outbox"
	"parley/internal/emulator/ratelimit"
	"parley/internal/emulator/requestlog"
)

// Options configure an Emulator; the zero value works. Slack's defaults:
// RetryDelays {0, 1m, 5m} (Slack retries an event three times: nearly at
// once, after a minute, after five), AckTimeout 3s (an app has three
// seconds to answer an event with a 2xx). ts values, event times, token
// lifetimes and rate limits run on the emulator's clock; request-signing
// timestamps stay on the wall clock, the one the receiving app checks
// them against.
type Options = emulator.Options

// Emulator is an in-memory Slack: Web API, Events API delivery and a
// control API. Create it with New; all methods are safe for concurrent use.
type Emulator struct {
	base *emulator.Base

	// mu guards st. Lock order: mu, then the leaf locks of the base, an
	// app's event lane, the rate limiter, fault table and request log.
	mu sync.Mutex
	st *state

	events   *outbox.Outbox
	limits   *ratelimit.Buckets
	requests requestlog.Log[logEntry]

	// The identity side (signin.go, oauth.go): the ID-token key, codes
	// awaiting exchange and authorize pages awaiting an answer.
	signer  idp.Signer
	codes   *idp.Codes[grantInfo]
	pending *idp.Pending[authzRequest]
}

// New returns an Emulator. It does no I/O; event delivery goroutines start
// when apps are added and stop on Close.
func New(opts Options) *Emulator {
	e := &Emulator{
		base: emulator.NewBase(opts, emulator.Defaults{
			Platform: "slack", Origin: "https://slack.emulator.invalid",
			RetryDelays: []time.Duration{0, time.Minute, 5 * time.Minute}, AckTimeout: 3 * time.Second,
		}),
		st: newState(),
	}
	// Slack sends an app's events in order, but a failed one's retries
	// run beside the queue: one dead endpoint does not hold up later
	// events for the full schedule.
	e.events = outbox.New(e.base, outbox.Policy{Name: "events", Retries: e.base.Opts.RetryDelays})
	e.limits = ratelimit.NewBuckets(e.now)
	e.codes = &idp.Codes[grantInfo]{Now: e.now, TTL: codeLifetime}
	e.pending = &idp.Pending[authzRequest]{Now: e.now, TTL: pageLifetime}
	return e
}

// SetBaseURL sets the emulator's public origin, e.g.
// "https://127.0.0.1:PORT"; it builds upload_url, url_private and
// permalinks. Until it is called they point at an unresolvable
// placeholder host.
func (e *Emulator) SetBaseURL(u string) { e.base.SetURL(u) }

// Close stops event delivery, including pending retries, and waits for the
// delivery goroutines to end. It is safe to call more than once.
func (e *Emulator) Close() { e.base.Close() }

// now is Slack's time: ts values, lifetimes, limits.
func (e *Emulator) now() time.Time { return e.base.Now() }

// DeliveryStats counts Events API deliveries: requests made to apps'
// request URLs (Attempts), those not acknowledged in time with a 2xx
// (Failures), and events dropped after the last retry or an
// X-Slack-No-Retry, as Slack does (GivenUp).
type DeliveryStats = outbox.Stats

// DeliveryStats returns the event-delivery counters, so tests can wait for
// Slack to have given up on an event instead of sleeping.
func (e *Emulator) DeliveryStats() DeliveryStats { return e.events.Stats() }
