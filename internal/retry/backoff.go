package retry

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff is an exponential schedule: the wait before retry n (counting
// from 0) is First·2ⁿ, at most Max, of which the Jitter part is drawn at
// random so that callers that failed together do not all come back
// together.
type Backoff struct {
	First time.Duration // the step before the first retry; must be > 0
	Max   time.Duration // no step is longer; 0: no cap
	// Jitter is the share of each step drawn at random, from 0 (every
	// wait is exactly the step) to 1 (anywhere from 0 to the step). 0.5
	// waits between half the step and the whole of it.
	Jitter float64
}

// Wait returns how long to wait before retry n.
func (b Backoff) Wait(n int) time.Duration {
	step := b.step(n)
	j := min(max(b.Jitter, 0), 1)
	random := time.Duration(float64(step) * j)
	if random <= 0 {
		return step
	}
	return step - random + rand.N(random+1)
}

// step is First·2ⁿ, capped at Max, without overflowing.
func (b Backoff) step(n int) time.Duration {
	step := b.First
	for i := 0; i < n && (b.Max <= 0 || step < b.Max); i++ {
		if step > math.MaxInt64/2 {
			step = math.MaxInt64
			break
		}
		step *= 2
	}
	if b.Max > 0 && step > b.Max {
		step = b.Max
	}
	return step
}
