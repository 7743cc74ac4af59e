package gchat

import (
	"net/http"
	"strconv"

	"parley/internal/emulator/faults"
)

// writeFault answers with Google's error JSON for the status; 429s carry
// Retry-After as SANDBOX.md requires.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	if f.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	writeError(w, &apiError{code: f.Status, status: statusForCode(f.Status), msg: http.StatusText(f.Status)})
}
