package slack

import (
	"net/http"
	"strconv"

	"parley/internal/emulator/faults"
)

// writeFault answers as Slack's edge does: 429 with Retry-After and the
// ratelimited body, other statuses with an HTML page the SDKs do not parse.
func writeFault(w http.ResponseWriter, f faults.Fault) {
	if f.Status == http.StatusTooManyRequests {
		f.SetRetryAfter(w.Header())
		writeJSON(w, f.Status, errResp("ratelimited"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte("<html><head><title>" + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) +
		"</title></head><body><h1>" + http.StatusText(f.Status) + "</h1></body></html>\n"))
}
