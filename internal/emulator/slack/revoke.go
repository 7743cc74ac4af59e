package slack

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"parley/internal/emulator"
)

// revokeLocked revokes tokens issued to an app in one workspace and tells
// the app, as Slack does: tokens_revoked naming the users whose tokens
// went (oauth for people, bot for the bot user), then app_uninstalled once
// no live token of the app is left there.
func (e *Emulator) revokeLocked(toks []*token) {
	type key struct{ app, team string }
	byApp := map[key]map[string][]string{}
	var order []key
	for _, t := range toks {
		if t.revoked {
			continue
		}
		t.revoked = true
		for rt, g := range e.st.refresh {
			if g.access == t.value {
				delete(e.st.refresh, rt)
			}
		}
		if t.appID == "" {
			continue
		}
		k := key{t.appID, t.team}
		if byApp[k] == nil {
			byApp[k] = map[string][]string{"oauth": {}, "bot": {}}
			order = append(order, k)
		}
		kind := "oauth"
		if t.kind == tokenBot {
			kind = "bot"
		}
		if !slices.Contains(byApp[k][kind], t.userID) {
			byApp[k][kind] = append(byApp[k][kind], t.userID)
		}
	}
	for _, k := range order {
		a := e.st.apps[k.app]
		e.emitApp(a, k.team, map[string]any{"type": "tokens_revoked", "tokens": byApp[k]})
		live := false
		for _, t := range e.st.tokens {
			live = live || (t.appID == k.app && t.team == k.team && !t.revoked)
		}
		if !live {
			delete(e.st.teams[k.team].installs, k.app)
			e.emitApp(a, k.team, map[string]any{"type": "app_uninstalled"})
		}
	}
}

// emitApp queues an app-level event (no channel, no scope needed) for a.
func (e *Emulator) emitApp(a *app, team string, inner map[string]any) {
	if a == nil || a.requestURL == "" {
		return
	}
	env := map[string]any{
		"token": a.verificationToken, "team_id": team, "api_app_id": a.id, "event": inner,
		"type": "event_callback", "event_id": e.newID("Ev"), "event_time": e.now().Unix(),
	}
	e.queueEnvelope(a, env)
}

// Uninstall removes an app from a workspace, as a workspace admin does:
// every token the app holds there is revoked, and the app gets
// tokens_revoked and app_uninstalled.
func (e *Emulator) Uninstall(appID, team string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var toks []*token
	for _, t := range e.st.tokens {
		if t.appID == appID && t.team == team {
			toks = append(toks, t)
		}
	}
	slices.SortFunc(toks, func(a, b *token) int { return strings.Compare(a.value, b.value) })
	e.revokeLocked(toks)
}

func (e *Emulator) controlUninstall(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Team string `json:"team"`
	}
	if !emulator.ReadControl(w, r, &req) {
		return
	}
	e.mu.Lock()
	ok := e.st.apps[r.PathValue("app_id")] != nil && e.st.teams[req.Team] != nil
	e.mu.Unlock()
	if !ok {
		controlError(w, http.StatusNotFound, "not_found")
		return
	}
	e.Uninstall(r.PathValue("app_id"), req.Team)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// queueEnvelope sends an Events API envelope to a's request URL.
func (e *Emulator) queueEnvelope(a *app, env map[string]any) {
	body, err := json.Marshal(env)
	if err != nil {
		e.base.Log.Error("encode event", "err", err)
		return
	}
	a.events.Push(e.send(a.requestURL, a.signingSecret, body))
}
