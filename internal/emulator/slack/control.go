package slack

import (
	"encoding/json"
	"net/http"
	"strings"

	"parley/internal/emulator"
	"parley/internal/emulator/ids"
)

func controlError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]any{"ok": false, "error": code})
}

func (e *Emulator) controlOAuthCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID string `json:"app_id"`
		Team  string `json:"team"`
		User  string `json:"user"`
	}
	if !emulator.ReadControl(w, r, &req) {
		return
	}
	code, errCode := e.mintCode(req.AppID, req.Team, req.User)
	if errCode != "" {
		controlError(w, http.StatusNotFound, errCode)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "code": code})
}

// controlRequestURL sets an app's Events API request URL after the
// url_verification handshake succeeds, as Slack's app settings page does.
func (e *Emulator) controlRequestURL(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL string `json:"url"`
	}
	if !emulator.ReadControl(w, r, &req) {
		return
	}
	if !strings.HasPrefix(req.URL, "https://") && !strings.HasPrefix(req.URL, "http://") {
		controlError(w, http.StatusBadRequest, "invalid_url")
		return
	}
	appID := r.PathValue("app_id")
	e.mu.Lock()
	a := e.st.apps[appID]
	var secret, verification string
	if a != nil {
		secret, verification = a.signingSecret, a.verificationToken
	}
	e.mu.Unlock()
	if a == nil {
		controlError(w, http.StatusNotFound, "app_not_found")
		return
	}
	if !e.verifyURL(r, req.URL, secret, verification) {
		controlError(w, http.StatusBadRequest, "url_verification_failed")
		return
	}
	e.mu.Lock()
	a.requestURL = req.URL
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// verifyURL sends a signed url_verification challenge; the app passes if
// it answers 2xx with the challenge as plain text or as {"challenge":…}.
func (e *Emulator) verifyURL(r *http.Request, url, secret, verification string) bool {
	challenge := ids.String(ids.Alnum, 48)
	body, _ := json.Marshal(map[string]string{"token": verification, "challenge": challenge, "type": "url_verification"})
	res, answer, err := e.post(r.Context(), url, secret, body, 0, "")
	if err != nil || res.StatusCode < 200 || res.StatusCode > 299 {
		return false
	}
	if strings.TrimSpace(string(answer)) == challenge {
		return true
	}
	var parsed struct {
		Challenge string `json:"challenge"`
	}
	return json.Unmarshal(answer, &parsed) == nil && parsed.Challenge == challenge
}
