package teams

import (
	"encoding/json"
	"io"
	"net/http"
)

// maxControlBody caps control API request bodies.
const maxControlBody = 64 << 10

// readControl decodes a control request body strictly; it answers 400
// itself and returns false on bad input.
func readControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_json", "detail": err.Error()})
		return false
	}
	return true
}

// controlRequests is GET /_emulator/requests[?workspace=<tenant>].
func (e *Emulator) controlRequests(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "requests": e.requests.list(r.URL.Query().Get("workspace"))})
}

// controlRotate is POST /_emulator/rotate-keys, RotateSigningKey over HTTP.
func (e *Emulator) controlRotate(w http.ResponseWriter, r *http.Request) {
	e.RotateSigningKey()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "kid": e.SigningKeyID()})
}
