package outbox

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/internal/emulator"
)

// receiver records attempts and answers each with a script.
type receiver struct {
	mu    sync.Mutex
	tries []string // "name#try" in the order they were made
}

// send returns a Send for delivery name whose attempts answer results in
// turn (the last one repeats).
func (rc *receiver) send(name string, results ...Result) Send {
	return func(_ context.Context, try int) Result {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.tries = append(rc.tries, fmt.Sprintf("%s#%d", name, try))
		return results[min(try, len(results)-1)]
	}
}

func (rc *receiver) all() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.tries)
}

// checkFor polls cond until it holds or the deadline passes.
func checkFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle is the window in which something that must not happen (an
// attempt before its time, while held, after Close) would show. It waits
// for no condition.
func settle() { time.Sleep(60 * time.Millisecond) }

func newBase(t *testing.T, logs *syncBuffer) *emulator.Base {
	opts := emulator.Options{}
	if logs != nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b := emulator.NewBase(opts, emulator.Defaults{Platform: "test"})
	t.Cleanup(b.Close)
	return b
}

// syncBuffer is a log the outbox's goroutines write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSchedules(t *testing.T) {
	fast := []time.Duration{0, time.Millisecond, 2 * time.Millisecond}
	tests := []struct {
		name      string
		retries   []time.Duration
		results   []Result
		wantTries []string
		want      Stats
		wantWarn  bool // "given up after retries" logged
	}{
		{"delivered at once", fast, []Result{Delivered}, []string{"a#0"}, Stats{1, 0, 0}, false},
		{"delivered on the second retry", fast, []Result{Failed, Failed, Delivered}, []string{"a#0", "a#1", "a#2"}, Stats{3, 2, 0}, false},
		{"out of retries", fast, []Result{Failed}, []string{"a#0", "a#1", "a#2", "a#3"}, Stats{4, 4, 1}, true},
		{"refused is not retried", fast, []Result{Refused}, []string{"a#0"}, Stats{1, 1, 1}, false},
		{"refused on a retry ends it", fast, []Result{Failed, Refused}, []string{"a#0", "a#1"}, Stats{2, 2, 1}, false},
		{"dropped sends nothing", fast, []Result{Dropped}, []string{"a#0"}, Stats{0, 0, 1}, false},
		{"no schedule: one attempt", []time.Duration{}, []Result{Failed}, []string{"a#0"}, Stats{1, 1, 1}, false},
	}
	for _, tt := range tests {
		for _, inOrder := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/in order %v", tt.name, inOrder), func(t *testing.T) {
				var logs syncBuffer
				o := New(newBase(t, &logs), Policy{Name: "events", Retries: tt.retries, InOrder: inOrder})
				rc := &receiver{}
				o.NewLane().Push(rc.send("a", tt.results...))
				// The wanted counts are a final state: nothing is sent
				// after a delivery is acknowledged or given up.
				checkFor(t, "the schedule to end", func() bool { return o.Stats() == tt.want })
				if got := rc.all(); !slices.Equal(got, tt.wantTries) {
					t.Fatalf("attempts %v, want %v", got, tt.wantTries)
				}
				if got := o.Stats(); got != tt.want {
					t.Fatalf("stats %+v, want %+v", got, tt.want)
				}
				warned := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "outbox=events")
				if warned != tt.wantWarn {
					t.Fatalf("warned %v, want %v: %s", warned, tt.wantWarn, logs.String())
				}
			})
		}
	}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name    string
		inOrder bool
		want    []string
	}{
		// Teams, ordered Pub/Sub: b waits for a's retries.
		{"in order", true, []string{"a#0", "a#1", "a#2", "b#0"}},
		// Slack, Webex: b goes while a waits for its retry.
		{"retries beside", false, []string{"a#0", "b#0", "a#1", "a#2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := New(newBase(t, nil), Policy{Retries: []time.Duration{100 * time.Millisecond, 0}, InOrder: tt.inOrder})
			rc := &receiver{}
			lane := o.NewLane()
			lane.Push(rc.send("a", Failed, Failed, Delivered))
			lane.Push(rc.send("b", Delivered))
			checkFor(t, "all attempts", func() bool { return len(rc.all()) == len(tt.want) })
			if got := rc.all(); !slices.Equal(got, tt.want) {
				t.Fatalf("attempts %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLanesAreIndependent(t *testing.T) {
	o := New(newBase(t, nil), Policy{Retries: []time.Duration{time.Hour}, InOrder: true})
	rc := &receiver{}
	stuck, free := o.NewLane(), o.NewLane()
	stuck.Push(rc.send("a", Failed))
	stuck.Push(rc.send("b", Delivered))
	checkFor(t, "a's first attempt", func() bool { return slices.Contains(rc.all(), "a#0") })
	free.Push(rc.send("c", Delivered))
	checkFor(t, "c, while a's lane waits", func() bool { return slices.Contains(rc.all(), "c#0") })
	if slices.Contains(rc.all(), "b#0") {
		t.Fatal("b overtook a in an ordered lane")
	}
}

// TestRetriesRunOnTheEmulatorClock: a retry an hour away is made as soon
// as the emulator's clock is advanced past it, in order and beside.
func TestRetriesRunOnTheEmulatorClock(t *testing.T) {
	for _, inOrder := range []bool{true, false} {
		t.Run(fmt.Sprintf("in order %v", inOrder), func(t *testing.T) {
			base := newBase(t, nil)
			o := New(base, Policy{Retries: []time.Duration{time.Hour, 5 * time.Hour}, InOrder: inOrder})
			rc := &receiver{}
			o.NewLane().Push(rc.send("a", Failed, Failed, Delivered))
			// Failures are counted once the outbox has read the time of
			// the failure: an advance after that is one the retry's wait
			// sees.
			failures := func(n int64) func() bool { return func() bool { return o.Stats().Failures == n } }
			checkFor(t, "the first attempt to fail", failures(1))
			if _, err := base.Clock.Advance(59 * time.Minute); err != nil {
				t.Fatal(err)
			}
			settle()
			if n := len(rc.all()); n != 1 {
				t.Fatalf("%d attempts before the retry was due", n)
			}
			if _, err := base.Clock.Advance(time.Minute); err != nil {
				t.Fatal(err)
			}
			checkFor(t, "retry 1 once its hour has passed", failures(2))
			// One jump past several retries makes them in turn.
			if _, err := base.Clock.Advance(6 * time.Hour); err != nil {
				t.Fatal(err)
			}
			checkFor(t, "retry 2", func() bool { return len(rc.all()) == 3 })
			if got := o.Stats(); got != (Stats{Attempts: 3, Failures: 2}) {
				t.Fatalf("stats %+v", got)
			}
		})
	}
}

func TestHold(t *testing.T) {
	o := New(newBase(t, nil), Policy{InOrder: true})
	rc := &receiver{}
	lane := o.NewLane()
	lane.Hold(true)
	for _, name := range []string{"a", "b", "c"} {
		lane.Push(rc.send(name, Delivered))
	}
	settle()
	if n := len(rc.all()); n != 0 {
		t.Fatalf("%d sent while held", n)
	}
	lane.Hold(false)
	checkFor(t, "the held deliveries", func() bool { return len(rc.all()) == 3 })
	if got := rc.all(); !slices.Equal(got, []string{"a#0", "b#0", "c#0"}) {
		t.Fatalf("sent %v, want them in order", got)
	}
}

func TestCloseStopsRetries(t *testing.T) {
	for _, inOrder := range []bool{true, false} {
		t.Run(fmt.Sprintf("in order %v", inOrder), func(t *testing.T) {
			base := emulator.NewBase(emulator.Options{}, emulator.Defaults{Platform: "test"})
			o := New(base, Policy{Retries: []time.Duration{time.Hour}, InOrder: inOrder})
			rc := &receiver{}
			lane := o.NewLane()
			lane.Push(rc.send("a", Failed))
			checkFor(t, "the first attempt", func() bool { return len(rc.all()) == 1 })
			closed := make(chan struct{})
			go func() { base.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
				t.Fatal("Close waited for a retry an hour away")
			}
			lane.Push(rc.send("b", Delivered))
			settle()
			if got := rc.all(); !slices.Equal(got, []string{"a#0"}) {
				t.Fatalf("attempts after Close: %v", got)
			}
			if got := o.Stats(); got.GivenUp != 0 {
				t.Fatalf("a delivery stopped by Close counted as given up: %+v", got)
			}
		})
	}
}
