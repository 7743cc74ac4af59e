package gchat

import (
	"net/http"

	"parley/internal/emulator/faults"
)

// writeFault answers with Google's error JSON for the status; 429s carry
// Retry-After as SANDBOX.md requires.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	f.SetRetryAfter(w.Header())
	writeError(w, &apiError{code: f.Status, status: statusForCode(f.Status), msg: http.StatusText(f.Status)})
}
