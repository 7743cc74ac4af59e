package chaos

import "fmt"

// Report is what a chaos run saw. Duplicated, Reordered, Misthreaded and
// Lost count copies: one source message expected in four destinations and
// missing from all of them counts four times.
type Report struct {
	Sent        int // source messages the platforms accepted
	Expected    int // copies that should exist: Sent × destinations
	Delivered   int // copies found exactly once
	Duplicated  int // copies found more than once (each extra counts)
	Reordered   int // copies that came after a later message of the same source, channel and thread
	Misthreaded int // replies found outside the thread of their parent's copy
	Lost        int // copies never found
	Kills       int // SIGKILLs of the gateway
	Faults      int // faults injected through the emulators' control API
	// Examples names the first few problems ("lost
	// <platform>/<workspace>/<channel> #12 in <platform>/…/…"), to start
	// an investigation from.
	Examples []string
}

// maxExamples bounds Report.Examples.
const maxExamples = 20

func (r *Report) example(format string, args ...any) {
	if len(r.Examples) < maxExamples {
		r.Examples = append(r.Examples, fmt.Sprintf(format, args...))
	}
}

// Clean reports whether nothing was lost, duplicated, reordered or
// misthreaded.
func (r Report) Clean() bool {
	return r.Duplicated == 0 && r.Reordered == 0 && r.Misthreaded == 0 && r.Lost == 0 && r.Delivered == r.Expected
}

func (r Report) String() string {
	return fmt.Sprintf("sent %d, expected copies %d, delivered %d, duplicated %d, reordered %d, misthreaded %d, lost %d (gateway kills %d, faults %d)",
		r.Sent, r.Expected, r.Delivered, r.Duplicated, r.Reordered, r.Misthreaded, r.Lost, r.Kills, r.Faults)
}
