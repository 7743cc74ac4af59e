package readiness

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// dependency is a probe whose answer the test sets, counting its calls.
type dependency struct {
	down  atomic.Bool
	calls atomic.Int32
}

func (d *dependency) probe(ctx context.Context) error {
	d.calls.Add(1)
	if d.down.Load() {
		return errors.New("connection refused to db.internal:5432 secret-detail")
	}
	return nil
}

// clock is a manual clock for the TTL.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	store, bus, consumer dependency
	clock                clock
	c                    *Checker
	log                  bytes.Buffer
}

func newFixture() *fixture {
	f := &fixture{clock: clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	f.c = New(Options{TTL: time.Second, Now: f.clock.now, Logger: slog.New(slog.NewTextHandler(&f.log, nil))},
		Check{Name: "store", Probe: f.store.probe, Intake: true},
		Check{Name: "bus", Probe: f.bus.probe, Intake: true},
		Check{Name: "consumer", Probe: f.consumer.probe},
	)
	return f
}

func get(t *testing.T, h http.Handler, method string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/x", strings.NewReader("{}")))
	return rec
}

// TestAnswers walks each dependency down and up again: /readyz and the
// webhook gate follow, /healthz never moves, and no answer says why.
func TestAnswers(t *testing.T) {
	reached := 0
	endpoint := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reached++; w.WriteHeader(http.StatusOK) })
	for _, tc := range []struct {
		name            string
		down            func(f *fixture) *dependency
		ready, accepted bool
	}{
		{"all up", nil, true, true},
		{"store down", func(f *fixture) *dependency { return &f.store }, false, false},
		{"bus down", func(f *fixture) *dependency { return &f.bus }, false, false},
		// Events can still be made durable: another node (or this one
		// later) consumes them.
		{"consumer stopped", func(f *fixture) *dependency { return &f.consumer }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture()
			gate := f.c.Gate(endpoint)
			var dep *dependency
			if tc.down != nil {
				dep = tc.down(f)
				dep.down.Store(true)
			}
			reached = 0
			check := func(ready, accepted bool) {
				t.Helper()
				want := map[bool]int{true: http.StatusOK, false: http.StatusServiceUnavailable}
				if rec := get(t, f.c.Handler(), http.MethodGet); rec.Code != want[ready] {
					t.Errorf("readyz = %d, want %d", rec.Code, want[ready])
				} else if !ready && rec.Header().Get("Retry-After") == "" {
					t.Error("readyz 503 without Retry-After")
				}
				rec := get(t, gate, http.MethodPost)
				if rec.Code != want[accepted] {
					t.Errorf("webhook = %d, want %d", rec.Code, want[accepted])
				}
				if !accepted && rec.Header().Get("Retry-After") != "5" {
					t.Errorf("webhook 503 Retry-After = %q, want 5", rec.Header().Get("Retry-After"))
				}
				if !accepted && reached != 0 {
					t.Error("a refused webhook reached the endpoint")
				}
				for _, h := range []http.Handler{f.c.Handler(), gate, Live()} {
					if body := get(t, h, http.MethodGet).Body.String(); strings.Contains(body, "secret-detail") || strings.Contains(body, "store") || strings.Contains(body, "bus") {
						t.Errorf("a health answer tells why: %q", body)
					}
				}
				if rec := get(t, Live(), http.MethodGet); rec.Code != http.StatusOK {
					t.Errorf("healthz = %d, want 200 whatever the dependencies", rec.Code)
				}
			}
			check(tc.ready, tc.accepted)
			if dep == nil {
				return
			}
			if !strings.Contains(f.log.String(), "not ready") {
				t.Error("the failure was not logged")
			}
			dep.down.Store(false)
			// Within the TTL the cached answer stands; after it the node
			// is ready again.
			f.clock.add(time.Second)
			reached = 0
			check(true, true)
			if !strings.Contains(f.log.String(), "ready again") {
				t.Error("the recovery was not logged")
			}
		})
	}
}

// TestProbesAreCached: however many probes and webhooks arrive, each
// dependency is asked once per TTL.
func TestProbesAreCached(t *testing.T) {
	f := newFixture()
	gate := f.c.Gate(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { get(t, f.c.Handler(), http.MethodGet); get(t, gate, http.MethodPost) })
	}
	wg.Wait()
	if n := f.store.calls.Load(); n != 1 {
		t.Errorf("store asked %d times within one TTL, want 1", n)
	}
	f.clock.add(999 * time.Millisecond)
	get(t, f.c.Handler(), http.MethodGet)
	if n := f.bus.calls.Load(); n != 1 {
		t.Errorf("bus asked %d times within one TTL, want 1", n)
	}
	f.clock.add(time.Millisecond)
	get(t, f.c.Handler(), http.MethodGet)
	if n := f.consumer.calls.Load(); n != 2 {
		t.Errorf("consumer asked %d times after the TTL, want 2", n)
	}
}

// TestHungDependencyTimesOut: a probe that never answers makes the node
// unready after the timeout instead of hanging the prober.
func TestHungDependencyTimesOut(t *testing.T) {
	hung := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	c := New(Options{Timeout: 50 * time.Millisecond}, Check{Name: "store", Probe: hung, Intake: true})
	done := make(chan error, 1)
	go func() { done <- c.Intake(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotReady) {
			t.Errorf("Intake = %v, want ErrNotReady", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a hung probe hung the prober")
	}
}

// TestCanceledCallerDoesNotFailTheRound: a prober that hangs up does not
// make the dependency look down for everyone else.
func TestCanceledCallerDoesNotFailTheRound(t *testing.T) {
	f := newFixture()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.c.checks[0].Probe = func(ctx context.Context) error { return ctx.Err() }
	if err := f.c.Ready(ctx); err != nil {
		t.Errorf("Ready with a canceled caller = %v, want nil", err)
	}
}

// TestGateAddsRetryAfter: an endpoint's own 503 (the bus failed during the
// request) tells the platform when to come back too.
func TestGateAddsRetryAfter(t *testing.T) {
	f := newFixture()
	gate := f.c.Gate(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	rec := get(t, gate, http.MethodPost)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("got %d with Retry-After %q, want 503 with 5", rec.Code, rec.Header().Get("Retry-After"))
	}
}
