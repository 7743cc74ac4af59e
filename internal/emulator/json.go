package emulator

import (
	"encoding/json"
	"io"
	"net/http"
)

// JSONWriter returns a function that answers with v encoded as JSON under
// one platform's Content-Type. The platforms spell it differently
// ("application/json; charset=utf-8", "application/json;charset=UTF-8"),
// and SDKs have been known to compare it, so each keeps its own. A value
// that cannot be encoded is a bug in the emulator: 500, plain text.
func JSONWriter(contentType string) func(w http.ResponseWriter, status int, v any) {
	return func(w http.ResponseWriter, status int, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
}

// writeControl answers control requests, which are not the platform's API.
var writeControl = JSONWriter("application/json")

// MaxControlBody caps a control request body.
const MaxControlBody = 64 << 10

// DecodeControl decodes a control request body strictly: at most
// MaxControlBody bytes, one JSON value, no unknown fields.
func DecodeControl(body io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(body, MaxControlBody))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ReadControl is DecodeControl for a handler: on bad input it answers 400
// {"ok":false,"error":"invalid_json","detail":…} itself and returns false.
func ReadControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := DecodeControl(r.Body, v); err != nil {
		writeControl(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_json", "detail": err.Error()})
		return false
	}
	return true
}

// ControlAnswer answers a control request: {"ok":true} merged with fields
// for 2xx, and {"ok":false,"error":code} otherwise.
func ControlAnswer(w http.ResponseWriter, status int, code string, fields map[string]any) {
	out := map[string]any{"ok": status < 300}
	for k, v := range fields {
		out[k] = v
	}
	if status >= 300 {
		out["error"] = code
	}
	writeControl(w, status, out)
}
