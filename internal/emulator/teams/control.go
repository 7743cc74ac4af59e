package teams

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
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

func controlError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]any{"ok": false, "error": code})
}

// controlAddFault is POST /_emulator/faults (SANDBOX.md); workspace is a
// tenant ID. Faults apply to Bot Connector and Graph calls, not to the
// login service or file downloads.
func (e *Emulator) controlAddFault(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Workspace  string `json:"workspace"`
		Status     int    `json:"status"`
		RetryAfter int    `json:"retry_after"`
		Count      int    `json:"count"`
		Seconds    int    `json:"seconds"`
		LatencyMS  int    `json:"latency_ms"`
	}
	if !readControl(w, r, &req) {
		return
	}
	if req.Status != 0 && (req.Status < 400 || req.Status > 599) {
		controlError(w, http.StatusBadRequest, "status must be 0 or 400..599")
		return
	}
	if req.RetryAfter < 0 || req.Count < 0 || req.Seconds < 0 || req.LatencyMS < 0 || req.LatencyMS > 600000 {
		controlError(w, http.StatusBadRequest, "negative or too large value")
		return
	}
	if req.Status == 0 && req.LatencyMS == 0 {
		controlError(w, http.StatusBadRequest, "status or latency_ms required")
		return
	}
	if req.Status == http.StatusTooManyRequests && req.RetryAfter == 0 {
		req.RetryAfter = 1
	}
	f := &fault{
		workspace: req.Workspace, status: req.Status, retryAfter: req.RetryAfter,
		count: req.Count, counted: req.Count > 0, latency: time.Duration(req.LatencyMS) * time.Millisecond,
	}
	if req.Seconds > 0 {
		f.until = e.now().Add(time.Duration(req.Seconds) * time.Second)
	}
	e.faults.add(f)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (e *Emulator) controlClearFaults(w http.ResponseWriter, r *http.Request) {
	e.faults.clear()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
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
