package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock            { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }
func (c *fakeClock) now() time.Time       { return c.t }
func (c *fakeClock) move(d time.Duration) { c.t = c.t.Add(d) }

func wantSeconds(t *testing.T, d time.Duration, want int) {
	t.Helper()
	if got := Seconds(d); got != want {
		t.Fatalf("Retry-After %d, want %d (wait %s)", got, want, d)
	}
}

func TestSeconds(t *testing.T) {
	for _, tt := range []struct {
		wait time.Duration
		want int
	}{
		{0, 1}, {time.Nanosecond, 1}, {999 * time.Millisecond, 1}, {time.Second, 1},
		{time.Second + time.Nanosecond, 2}, {59500 * time.Millisecond, 60}, {-time.Second, 1},
	} {
		if got := Seconds(tt.wait); got != tt.want {
			t.Errorf("Seconds(%s) = %d, want %d", tt.wait, got, tt.want)
		}
	}
}

func TestBuckets(t *testing.T) {
	tier := PerMinute(20, 20) // Slack's tier 2
	type step struct {
		move     time.Duration // before the call
		keys     []Key
		ok       bool
		retryFor int // Retry-After when refused
	}
	one := []Key{{"users.list|T1|tok", tier}}
	tests := []struct {
		name  string
		burst int // calls that pass first, on keys
		keys  []Key
		steps []step
	}{
		{"a full minute's burst, then one every 3 s", 20, one, []step{
			{0, one, false, 3},
			{2 * time.Second, one, false, 1},
			{time.Second, one, true, 0},
			{0, one, false, 3},
		}},
		{"a clock jump refills, but only to the burst", 20, one, []step{
			{time.Hour, one, true, 0},
		}},
		{"keys are separate", 20, one, []step{
			{0, []Key{{"users.list|T2|tok", tier}}, true, 0},
		}},
		{"all or none: a refusal spends nothing", 2, []Key{{"space|A", Rate{1, 2}}, {"project|P", Rate{1, 30}}}, []step{
			// The space is empty; the project still has 28.
			{0, []Key{{"space|A", Rate{1, 2}}, {"project|P", Rate{1, 30}}}, false, 1},
			// Another space spends the project's calls: 28 left, so it
			// was not charged for the refusal.
			{0, []Key{{"space|B", Rate{1, 30}}, {"project|P", Rate{1, 30}}}, true, 0},
		}},
		{"the longest wait wins", 1, []Key{{"a", Rate{1, 1}}, {"b", Rate{0.1, 1}}}, []step{
			{0, []Key{{"a", Rate{1, 1}}, {"b", Rate{0.1, 1}}}, false, 10},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			l := NewBuckets(clk.now)
			for i := range tt.burst {
				if _, ok := l.Allow(tt.keys...); !ok {
					t.Fatalf("call %d of the burst refused", i+1)
				}
			}
			for i, s := range tt.steps {
				clk.move(s.move)
				wait, ok := l.Allow(s.keys...)
				if ok != s.ok {
					t.Fatalf("step %d: allowed %v, want %v", i, ok, s.ok)
				}
				if !ok {
					wantSeconds(t, wait, s.retryFor)
				}
			}
		})
	}
}

func TestBucketsProjectNotChargedForSpaceRefusal(t *testing.T) {
	clk := newFakeClock()
	l := NewBuckets(clk.now)
	project := Key{"project|P", Rate{0.001, 3}}
	if _, ok := l.Allow(Key{"space|A", Rate{0.001, 1}}, project); !ok {
		t.Fatal("first call refused")
	}
	for range 5 {
		if _, ok := l.Allow(Key{"space|A", Rate{0.001, 1}}, project); ok {
			t.Fatal("an empty space allowed a call")
		}
	}
	// Two of the project's three remain.
	for i := range 2 {
		if _, ok := l.Allow(Key{"space|B" + strconv.Itoa(i), Rate{0.001, 1}}, project); !ok {
			t.Fatalf("the project was charged for refused calls (call %d)", i)
		}
	}
	if _, ok := l.Allow(Key{"space|C", Rate{0.001, 1}}, project); ok {
		t.Fatal("the project allowed more than its burst")
	}
}

func TestBucketsClockSteppingBack(t *testing.T) {
	clk := newFakeClock()
	l := NewBuckets(clk.now)
	k := Key{"k", Rate{1, 2}}
	l.Allow(k)
	clk.move(-time.Hour)
	// A wall clock that steps back must not drain or break a bucket.
	if _, ok := l.Allow(k); !ok {
		t.Fatal("a step back emptied the bucket")
	}
	if _, ok := l.Allow(k); ok {
		t.Fatal("a step back refilled the bucket")
	}
}

func TestBucketsBounded(t *testing.T) {
	clk := newFakeClock()
	l := NewBuckets(clk.now)
	slow := Rate{1.0 / 3600, 1}
	for i := range MaxKeys + 50 {
		l.Allow(Key{"channel|" + strconv.Itoa(i), slow})
	}
	if n := len(l.buckets); n > MaxKeys {
		t.Fatalf("%d buckets kept, want at most %d", n, MaxKeys)
	}
	// Full buckets go first: after a refill, the next new key prunes
	// them rather than the whole table.
	l2 := NewBuckets(clk.now)
	fast := Rate{1000, 1}
	for i := range MaxKeys {
		l2.Allow(Key{"k" + strconv.Itoa(i), fast})
	}
	l2.Allow(Key{"busy", Rate{1.0 / 3600, 2}}) // one call: not full
	delete(l2.buckets, "k0")                   // make room for busy without a prune
	clk.move(time.Second)
	l2.Allow(Key{"new", fast})
	if _, kept := l2.buckets["busy"]; !kept || len(l2.buckets) != 2 {
		t.Fatalf("after a prune %d buckets, busy kept %v; want only busy and new", len(l2.buckets), kept)
	}
}

func TestWindows(t *testing.T) {
	// Teams' per-bot, per-conversation send limits.
	send := []Window{{7, time.Second}, {8, 2 * time.Second}, {60, 30 * time.Second}, {1800, time.Hour}}
	type step struct {
		move     time.Duration
		ok       bool
		retryFor int
	}
	tests := []struct {
		name  string
		burst int
		steps []step
	}{
		{"7 a second", 7, []step{{0, false, 1}, {time.Second, true, 0}}},
		{"8 in two seconds", 7, []step{
			{time.Second, true, 0}, // the 8th, one second on
			{0, false, 1},          // 9th: the 2-second window is full
			{999 * time.Millisecond, false, 1},
			{time.Millisecond, true, 0},
		}},
		{"a clock jump clears every window", 7, []step{{time.Hour, true, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			l := NewWindows(clk.now)
			for i := range tt.burst {
				if _, ok := l.Allow("bot|conv", send); !ok {
					t.Fatalf("call %d refused", i+1)
				}
			}
			for i, s := range tt.steps {
				clk.move(s.move)
				wait, ok := l.Allow("bot|conv", send)
				if ok != s.ok {
					t.Fatalf("step %d: allowed %v, want %v", i, ok, s.ok)
				}
				if !ok {
					wantSeconds(t, wait, s.retryFor)
				}
			}
			if _, ok := l.Allow("bot|other", send); !ok {
				t.Fatal("another key was limited")
			}
		})
	}
}

func TestWindowsRefusalIsNotACall(t *testing.T) {
	clk := newFakeClock()
	l := NewWindows(clk.now)
	lim := []Window{{2, time.Second}}
	l.Allow("k", lim)
	l.Allow("k", lim)
	for range 10 {
		if _, ok := l.Allow("k", lim); ok {
			t.Fatal("over the limit")
		}
	}
	clk.move(time.Second)
	for i := range 2 {
		if _, ok := l.Allow("k", lim); !ok {
			t.Fatalf("refused calls were counted (call %d)", i)
		}
	}
}

func TestWindowsBounded(t *testing.T) {
	clk := newFakeClock()
	l := NewWindows(clk.now)
	lim := []Window{{5, time.Hour}}
	for i := range MaxKeys + 50 {
		l.Allow("conv|"+strconv.Itoa(i), lim)
	}
	if n := len(l.hits); n > MaxKeys {
		t.Fatalf("%d keys kept, want at most %d", n, MaxKeys)
	}
	if _, ok := NewWindows(clk.now).Allow("k", nil); !ok {
		t.Fatal("no limits refused a call")
	}
}
