package retry

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func TestBackoffSchedule(t *testing.T) {
	tests := []struct {
		name string
		b    Backoff
		n    int
		lo   time.Duration
		hi   time.Duration
	}{
		{"first step exact", Backoff{First: time.Second}, 0, time.Second, time.Second},
		{"doubles", Backoff{First: time.Second}, 2, 4 * time.Second, 4 * time.Second},
		{"capped", Backoff{First: time.Second, Max: 3 * time.Second}, 5, 3 * time.Second, 3 * time.Second},
		{"no overflow without a cap", Backoff{First: time.Second}, 200, math.MaxInt64, math.MaxInt64},
		{"no overflow with a cap", Backoff{First: time.Second, Max: time.Minute}, 1 << 30, time.Minute, time.Minute},
		{"negative try is the first", Backoff{First: time.Second}, -3, time.Second, time.Second},
		{"half jitter", Backoff{First: 200 * time.Millisecond, Max: 30 * time.Second, Jitter: 0.5}, 3, 800 * time.Millisecond, 1600 * time.Millisecond},
		{"full jitter", Backoff{First: time.Second, Jitter: 1}, 1, 0, 2 * time.Second},
		{"jitter above 1 is 1", Backoff{First: time.Second, Jitter: 7}, 0, 0, time.Second},
		{"negative jitter is none", Backoff{First: time.Second, Jitter: -1}, 0, time.Second, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 200 {
				if got := tt.b.Wait(tt.n); got < tt.lo || got > tt.hi {
					t.Fatalf("Wait(%d) = %v, want within [%v, %v]", tt.n, got, tt.lo, tt.hi)
				}
			}
		})
	}
}

func TestBackoffJitterSpreads(t *testing.T) {
	b := Backoff{First: time.Second, Jitter: 0.5}
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[b.Wait(4)] = true
	}
	if len(seen) < 10 {
		t.Fatalf("50 jittered waits took %d values", len(seen))
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep after cancel = %v", err)
	}
	if err := Sleep(ctx, 0); err != nil {
		t.Fatalf("Sleep(0) = %v, want at once and nil", err)
	}
}
