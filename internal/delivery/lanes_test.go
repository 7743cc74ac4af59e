package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/connector"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitFor polls fn until it is true or the deadline passes.
func waitFor(t *testing.T, d time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLaneOrderAndIsolation(t *testing.T) {
	l := New(quiet(), Policy{BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	defer l.Close()

	var mu sync.Mutex
	var fast []int
	slowRelease := make(chan struct{})
	var slowDone atomic.Bool
	l.Submit("slow", Job{Do: func(ctx context.Context) error { <-slowRelease; return nil }, Done: func(error, int) { slowDone.Store(true) }})
	var fastDone atomic.Int32
	for i := range 100 {
		fails := i%7 == 0 // some jobs fail transiently once; order must hold
		var tried atomic.Bool
		l.Submit("fast", Job{
			Do: func(ctx context.Context) error {
				if fails && !tried.Swap(true) {
					return errors.New("503")
				}
				mu.Lock()
				fast = append(fast, i)
				mu.Unlock()
				return nil
			},
			Done: func(error, int) { fastDone.Add(1) },
		})
	}
	// The fast lane finishes while the slow lane is still blocked.
	waitFor(t, 5*time.Second, func() bool { return fastDone.Load() == 100 })
	if slowDone.Load() {
		t.Fatal("slow lane finished early")
	}
	for i, v := range fast {
		if v != i {
			t.Fatalf("order broken at %d: got %d", i, v)
		}
	}
	close(slowRelease)
	waitFor(t, 5*time.Second, slowDone.Load)
}

func TestPolicy(t *testing.T) {
	p := Policy{}.withDefaults()
	tests := []struct {
		err   error
		retry bool
		min   time.Duration
	}{
		{&connector.RateLimitError{RetryAfter: 7 * time.Second}, true, 7 * time.Second},
		{fmt.Errorf("post: %w", connector.ErrPermanent), false, 0},
		{fmt.Errorf("post: %w", connector.ErrNotFound), false, 0},
		{&connector.UnsupportedError{Platform: "x", Capability: "edit"}, false, 0},
		{errors.New("502 bad gateway"), true, 0},
		{fmt.Errorf("post: %w", connector.ErrAuth), true, 0},
	}
	for _, tt := range tests {
		t.Run(Reason(tt.err), func(t *testing.T) {
			wait, retry := p.next(tt.err, 3)
			if retry != tt.retry || wait < tt.min {
				t.Errorf("next(%v) = %v, %v", tt.err, wait, retry)
			}
		})
	}
}

func TestPermanentStopsAndDeadline(t *testing.T) {
	l := New(quiet(), Policy{BaseBackoff: time.Millisecond})
	defer l.Close()
	var calls atomic.Int32
	got := make(chan error, 2)
	l.Submit("a", Job{Do: func(context.Context) error { calls.Add(1); return connector.ErrPermanent }, Done: func(err error, _ int) { got <- err }})
	if err := <-got; !errors.Is(err, connector.ErrPermanent) || calls.Load() != 1 {
		t.Fatalf("permanent: err %v after %d calls", err, calls.Load())
	}
	l.Submit("b", Job{Do: func(context.Context) error { return errors.New("down") }, Done: func(err error, _ int) { got <- err }, Deadline: time.Now().Add(50 * time.Millisecond)})
	select {
	case err := <-got:
		if err == nil {
			t.Fatal("deadline job succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("deadline not honoured")
	}
}

func TestBreakerPausesAWorkspace(t *testing.T) {
	now := time.Unix(0, 0)
	b := &Breakers{Threshold: 3, Cooldown: time.Second, MaxPause: 4 * time.Second, Now: func() time.Time { return now }}
	fail := errors.New("503")
	for range 2 {
		b.Report("ws", fail)
	}
	if w := b.Wait("ws"); w != 0 {
		t.Fatalf("open after 2 failures: %s", w)
	}
	b.Report("ws", &connector.RateLimitError{RetryAfter: time.Second}) // pacing, not failure
	b.Report("ws", fmt.Errorf("x: %w", connector.ErrPermanent))        // not the platform's health
	b.Report("ws", fail)
	if w := b.Wait("ws"); w != time.Second {
		t.Fatalf("after 3 failures wait %s, want 1s", w)
	}
	if w := b.Wait("other"); w != 0 {
		t.Fatalf("another workspace paused: %s", w)
	}
	b.Report("ws", fail)
	b.Report("ws", fail)
	if w := b.Wait("ws"); w != 4*time.Second { // doubles, capped
		t.Fatalf("pause did not grow to the cap: %s", w)
	}
	if len(b.Open()) != 1 {
		t.Fatalf("Open = %v", b.Open())
	}
	b.Report("ws", nil)
	if w := b.Wait("ws"); w != 0 {
		t.Fatalf("success did not close it: %s", w)
	}
}

func TestAttemptsReported(t *testing.T) {
	l := New(quiet(), Policy{BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	defer l.Close()
	var n atomic.Int32
	got := make(chan int, 1)
	l.Submit("a", Job{Do: func(context.Context) error {
		if n.Add(1) < 3 {
			return errors.New("503")
		}
		return nil
	}, Done: func(err error, attempts int) { got <- attempts }})
	if a := <-got; a != 3 {
		t.Fatalf("attempts = %d, want 3", a)
	}
}

// TestRetryAfterHoldsTheWorkspace: a 429 on one channel holds every lane to
// the workspace until Retry-After has passed, and is not a failure.
func TestRetryAfterHoldsTheWorkspace(t *testing.T) {
	now := time.Unix(0, 0)
	b := &Breakers{Threshold: 1, Now: func() time.Time { return now }}
	b.Report("ws", &connector.RateLimitError{RetryAfter: 3 * time.Second})
	if w := b.Wait("ws"); w != 3*time.Second {
		t.Fatalf("wait %s, want 3s", w)
	}
	if len(b.Open()) != 0 {
		t.Fatalf("a rate limit counts as an open circuit: %v", b.Open())
	}
	b.Report("ws", nil) // another lane's success does not lift it early
	if w := b.Wait("ws"); w != 3*time.Second {
		t.Fatalf("a success lifted the Retry-After: wait %s", w)
	}
	now = now.Add(3 * time.Second)
	if w := b.Wait("ws"); w != 0 {
		t.Fatalf("still held after Retry-After: %s", w)
	}
	if len(b.Open()) != 0 {
		t.Fatalf("a rate limit opened the breaker: %v", b.Open())
	}
}

// TestPanicIsIsolated: a job that panics ends with ErrPanicked after one
// attempt (a retry would panic again), the lane goes on with the next job,
// and a Done callback that panics does not stop the lane either.
func TestPanicIsIsolated(t *testing.T) {
	l := New(quiet(), Policy{BaseBackoff: time.Millisecond})
	defer l.Close()
	type outcome struct {
		err      error
		attempts int
	}
	got := make(chan outcome, 3)
	var tries atomic.Int32
	l.Submit("lane", Job{
		Do: func(context.Context) error {
			tries.Add(1)
			var m map[string]int
			m["poison"]++ // a nil-map write: a runtime panic
			return nil
		},
		Done: func(err error, n int) { got <- outcome{err, n} },
	})
	l.Submit("lane", Job{Do: func(context.Context) error { return nil }, Done: func(error, int) { panic("in done") }})
	l.Submit("lane", Job{Do: func(context.Context) error { return nil }, Done: func(err error, n int) { got <- outcome{err, n} }})

	first := <-got
	if !errors.Is(first.err, ErrPanicked) || first.attempts != 1 || tries.Load() != 1 {
		t.Fatalf("panicking job: %v after %d attempts (%d tries), want ErrPanicked after 1", first.err, first.attempts, tries.Load())
	}
	if Reason(first.err) != "panic" || !Permanent(first.err) {
		t.Fatalf("Reason = %q, Permanent = %v", Reason(first.err), Permanent(first.err))
	}
	select {
	case next := <-got:
		if next.err != nil {
			t.Fatalf("the job after the panics: %v", next.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lane stopped after a panic")
	}
}
