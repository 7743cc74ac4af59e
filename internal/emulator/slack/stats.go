package slack

import "sync/atomic"

// deliveryStats counts Events API deliveries, so tests can wait for Slack to
// have given up on an event instead of sleeping.
type deliveryStats struct {
	attempts, failures, givenUp atomic.Int64
}

// DeliveryStats is a snapshot of the counters.
type DeliveryStats struct {
	Attempts int64 // requests made to apps' request URLs
	Failures int64 // requests not acknowledged in time with a 2xx
	GivenUp  int64 // events dropped after the last retry, as Slack does
}

// DeliveryStats returns the event-delivery counters.
func (e *Emulator) DeliveryStats() DeliveryStats {
	return DeliveryStats{Attempts: e.stats.attempts.Load(), Failures: e.stats.failures.Load(), GivenUp: e.stats.givenUp.Load()}
}
