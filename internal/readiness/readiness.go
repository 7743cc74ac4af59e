// Package readiness answers the two questions a load balancer and
// Kubernetes ask a node: is the process alive (/healthz), and can it do its
// work right now (/readyz) — its store and bus answer and its consumer runs.
// It also keeps a node that cannot make events durable from taking them:
// Gate answers webhooks 503 with Retry-After while the store or the bus is
// unreachable, so that the platforms deliver again later (to this node or,
// behind a load balancer, to another).
//
// Probes are cheap by construction: the dependencies are asked at most once
// per TTL whatever the request rate (a probe storm on the public listener
// costs the database nothing), each question has a short deadline, and
// concurrent askers share one round of questions. Answers carry no content:
// a status and a word, never which dependency failed or why — that goes to
// the log, once per change, and to the parley_ready metric on the admin
// listener.
package readiness

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Check is one dependency's probe.
type Check struct {
	// Name says what failed in logs and metrics: "store", "bus", …
	Name string
	// Probe returns nil when the dependency works. It must honour ctx's
	// deadline.
	Probe func(ctx context.Context) error
	// Intake marks a dependency without which an inbound event cannot be
	// made durable: while it fails, Gate refuses webhooks. A check
	// without it (the consumer) only makes the node unready.
	Intake bool
}

// Defaults: a probe answers within Timeout or counts as failed, and a
// round of answers is reused for TTL.
const (
	DefaultTTL     = time.Second
	DefaultTimeout = time.Second
	// RetryAfter is what Gate tells a platform to wait, in seconds: long
	// enough for a reconnect, short enough that Slack's three retries
	// within its window still reach a recovered node.
	RetryAfter = 5
)

// Checker runs checks and remembers the last round.
type Checker struct {
	checks  []Check
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
	// Changed, if set, is told each check's state after every round (for
	// the metrics).
	changed func(name string, ok bool)

	mu     sync.Mutex // held during a round: concurrent askers share it
	at     time.Time  // when the last round ran; zero: never
	failed map[string]error
}

// Options configures a Checker; zero values take the defaults.
type Options struct {
	TTL     time.Duration
	Timeout time.Duration
	Now     func() time.Time // the clock TTL is measured on; nil: time.Now
	Logger  *slog.Logger     // told of each change; nil: discarded
	Changed func(name string, ok bool)
}

// New returns a Checker for checks. It does no I/O.
func New(o Options, checks ...Check) *Checker {
	c := &Checker{checks: checks, ttl: o.TTL, timeout: o.Timeout, now: o.Now, log: o.Logger, changed: o.Changed}
	if c.ttl <= 0 {
		c.ttl = DefaultTTL
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// ErrNotReady is wrapped by Ready's and Intake's errors.
var ErrNotReady = errors.New("not ready")

// Ready returns nil when every check passed in the current round.
func (c *Checker) Ready(ctx context.Context) error { return c.result(ctx, false) }

// Intake returns nil when every Intake check passed in the current round:
// inbound events can be made durable.
func (c *Checker) Intake(ctx context.Context) error { return c.result(ctx, true) }

func (c *Checker) result(ctx context.Context, intakeOnly bool) error {
	failed := c.round(ctx)
	var names []string
	for _, ch := range c.checks {
		if _, bad := failed[ch.Name]; bad && (ch.Intake || !intakeOnly) {
			names = append(names, ch.Name)
		}
	}
	if len(names) > 0 {
		return fmt.Errorf("%w: %v", ErrNotReady, names)
	}
	return nil
}

// round returns the failures of the last round, running a new one first
// if it is older than TTL.
func (c *Checker) round(ctx context.Context) map[string]error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && c.now().Sub(c.at) < c.ttl {
		return c.failed
	}
	failed := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range c.checks {
		wg.Go(func() {
			// A round answers a probe, not the request that triggered it:
			// an impatient caller must not fail the check for everyone.
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
			defer cancel()
			if err := ch.Probe(pctx); err != nil {
				mu.Lock()
				failed[ch.Name] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, ch := range c.checks {
		err, bad := failed[ch.Name]
		_, wasBad := c.failed[ch.Name]
		switch {
		case bad && !wasBad:
			c.log.Warn("not ready", "check", ch.Name, "err", err)
		case !bad && wasBad:
			c.log.Info("ready again", "check", ch.Name)
		}
		if c.changed != nil {
			c.changed(ch.Name, !bad)
		}
	}
	c.at, c.failed = c.now(), failed
	return failed
}

// Live answers /healthz: the process serves HTTP. It asks nothing else, so
// a slow database never gets a live node restarted.
func Live() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(w, http.StatusOK) })
}

// Handler answers /readyz: 200 when every check passes, else 503.
func (c *Checker) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.Ready(r.Context()) != nil {
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
			answer(w, http.StatusServiceUnavailable)
			return
		}
		answer(w, http.StatusOK)
	})
}

// Gate wraps a platform's inbound endpoint: while an Intake check fails it
// answers 503 with Retry-After before reading the request, so the platform
// delivers again instead of handing an event to a node that cannot keep
// it. A 503 the endpoint answers itself (the bus failed mid-request) gets
// the same Retry-After.
func (c *Checker) Gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.Intake(r.Context()) != nil {
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
			answer(w, http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(&retryAfterWriter{ResponseWriter: w}, r)
	})
}

// answer writes status with its bare status text: nothing about the node.
func answer(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
}

// retryAfterWriter adds Retry-After to a 503 that has none.
type retryAfterWriter struct {
	http.ResponseWriter
}

func (w *retryAfterWriter) WriteHeader(status int) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *retryAfterWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
