package gchat

import (
	"net/http"
)

// maxControlBody caps control API request bodies.
const maxControlBody = 64 << 10

// controlRequests lists API calls, oldest first; ?workspace=DOMAIN
// filters.
func (e *Emulator) controlRequests(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "requests": e.requests.list(r.URL.Query().Get("workspace"))})
}
