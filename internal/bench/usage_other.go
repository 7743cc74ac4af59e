//go:build !unix

package bench

import "time"

// processUsage is not measured here: the benchmark reports zeros.
func processUsage() (cpu time.Duration, peakRSS int64) { return 0, 0 }
