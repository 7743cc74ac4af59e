//go:build unix

package bench

import (
	"runtime"
	"syscall"
	"time"
)

// processUsage is the CPU time this process has used so far and its peak
// resident set size.
func processUsage() (cpu time.Duration, peakRSS int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	peakRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux and the BSDs
	if runtime.GOOS == "darwin" {
		peakRSS = int64(ru.Maxrss) // bytes on macOS
	}
	return cpu, peakRSS
}
