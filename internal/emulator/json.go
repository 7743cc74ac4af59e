package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
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

// maxEcho bounds what an error message repeats of a client's input.
const maxEcho = 64

// Echo makes client input safe to repeat in an error message, as the
// platforms do ("Invalid grant_type: …"): at most 64 bytes, cut between
// characters, without control characters, so a client cannot make an
// answer huge or forge lines in it.
func Echo(s string) string {
	// Cut before (a bound on the work; what is dropped below may need
	// more than maxEcho bytes of input) and after: invalid bytes become
	// U+FFFD, which is longer.
	s = s[:runeCut(s, 4*maxEcho)]
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return s[:runeCut(s, maxEcho)]
}

// runeCut is where to cut s to at most n bytes without splitting a
// character (bytes that are no character's are cut anywhere).
func runeCut(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for at := n; at > n-utf8.UTFMax && at > 0; at-- {
		if utf8.RuneStart(s[at]) {
			return at
		}
	}
	return n
}
