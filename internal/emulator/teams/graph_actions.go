package teams

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// graphMessageAction answers POST …/{softDelete|undoSoftDelete|
// setReaction|unsetReaction}. Each needs delegated permissions, as in
// Graph.
func (e *Emulator) graphMessageAction(g *graphCall) {
	action := g.r.PathValue("action")
	switch action {
	case "softDelete", "undoSoftDelete", "setReaction", "unsetReaction":
	default:
		g.fail(http.StatusBadRequest, "BadRequest", "Unsupported segment type.")
		return
	}
	if !g.isUser() {
		g.forbidden()
		return
	}
	var kind string
	if action == "setReaction" || action == "unsetReaction" {
		body, ok := g.readBody()
		if !ok {
			return
		}
		k, problem := decodeReaction(body)
		if problem != "" {
			g.fail(http.StatusBadRequest, "BadRequest", problem)
			return
		}
		kind = k
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, m, ok := g.targetMessage()
	if !ok {
		return
	}
	u := e.st.users[g.tok.userID]
	now := e.now()
	switch action {
	case "softDelete":
		if m.fromUser != u.id {
			g.fail(http.StatusForbidden, "Forbidden", "Only the sender can delete this message.")
			return
		}
		if m.deleted.IsZero() {
			m.deleted, m.modified = now, now
			e.emitDelete(ct.w, m, "")
		}
	case "undoSoftDelete":
		if m.fromUser != u.id {
			g.fail(http.StatusForbidden, "Forbidden", "Only the sender can restore this message.")
			return
		}
		if !m.deleted.IsZero() {
			m.deleted, m.modified = time.Time{}, now
			e.emitUndelete(ct.w, m)
		}
	case "setReaction":
		if !m.deleted.IsZero() {
			g.notFound("Message")
			return
		}
		if !slices.ContainsFunc(m.reactions, func(r reaction) bool { return r.userID == u.id && r.kind == kind }) {
			m.reactions = append(m.reactions, reaction{kind: kind, userID: u.id, created: now})
			e.emitReaction(ct.w, m, u, kind, true)
		}
	case "unsetReaction":
		before := len(m.reactions)
		m.reactions = slices.DeleteFunc(m.reactions, func(r reaction) bool { return r.userID == u.id && r.kind == kind })
		if len(m.reactions) != before {
			e.emitReaction(ct.w, m, u, kind, false)
		}
	}
	g.reply(http.StatusNoContent, nil)
}

// decodeReaction parses {"reactionType": "…"}: a legacy name (like,
// heart, laugh, surprised, sad, angry) or a single Unicode emoji.
func decodeReaction(body []byte) (string, string) {
	var in struct {
		ReactionType string `json:"reactionType"`
	}
	if json.Unmarshal(body, &in) != nil {
		return "", "Invalid JSON in the request body."
	}
	k := in.ReactionType
	if k == "" || len(k) > 64 || strings.ContainsAny(k, " \t\r\n<>\"'") {
		return "", "Invalid reactionType."
	}
	return k, ""
}
