package teams

import (
	"net/http"
)

// controlRotate is POST /_emulator/rotate-keys, RotateSigningKey over HTTP.
func (e *Emulator) controlRotate(w http.ResponseWriter, r *http.Request) {
	e.RotateSigningKey()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "kid": e.SigningKeyID()})
}
