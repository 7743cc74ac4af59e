package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/internal/store"
)

func testFirstSeen(t *testing.T, s store.Store) {
	later := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name    string
		key     string
		expires time.Time
		want    bool
	}{
		{"new mark", "e1", later, true},
		{"repeat", "e1", later, false},
		{"other mark", "e2", later, true},
		{"expired mark", "e3", time.Now().Add(-time.Second), true},
		{"expired mark counts as absent", "e3", later, true},
		{"revived mark is live", "e3", later, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.FirstSeen(ctx(t), tc.key, tc.expires)
			must(t, err)
			if got != tc.want {
				t.Fatalf("FirstSeen(%s) = %v, want %v", tc.key, got, tc.want)
			}
		})
	}
	must(t, s.ForgetSeen(ctx(t), "e1"))
	must(t, s.ForgetSeen(ctx(t), "absent"))
	got, err := s.FirstSeen(ctx(t), "e1", later)
	must(t, err)
	if !got {
		t.Fatal("FirstSeen after ForgetSeen = false")
	}
}

func testFirstSeenConcurrent(t *testing.T, s store.Store) {
	const goroutines = 20
	for round := range 3 {
		key := fmt.Sprintf("race-%d", round)
		var wins atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range goroutines {
			wg.Go(func() {
				<-start
				first, err := s.FirstSeen(ctx(t), key, time.Now().Add(time.Hour))
				if err != nil {
					t.Error(err)
					return
				}
				if first {
					wins.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d goroutines saw the mark first, want exactly 1", round, wins.Load())
		}
	}
}
