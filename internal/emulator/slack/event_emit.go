package slack

import (
	"encoding/base64"
	"encoding/json"
	"slices"
)

// Scopes an app needs for the event subscriptions the emulator models.
// Slack only lets an app subscribe to an event if it holds the scope, so
// an app without it never receives the event.
const (
	scopeMessages  = "channels:history" // message.channels
	scopeReactions = "reactions:read"   // reaction_added / reaction_removed
	scopeChannels  = "channels:read"    // member_joined_channel
	scopeFiles     = "files:read"       // file_shared
)

// emit wraps inner in an event_callback envelope for every app installed
// in the channel's workspace whose bot is a member of the channel, holds
// scope and has a request URL, and queues it. The caller holds e.mu, so
// events are queued in the order the state changed.
func (e *Emulator) emit(ch *channel, scope string, inner map[string]any) {
	t := e.st.teams[ch.team]
	// Map iteration order is random; deliver to apps in ID order so runs
	// are reproducible.
	appIDs := make([]string, 0, len(t.installs))
	for id := range t.installs {
		appIDs = append(appIDs, id)
	}
	slices.Sort(appIDs)
	now := e.now().Unix()
	for _, id := range appIDs {
		in := t.installs[id]
		a := e.st.apps[id]
		if a == nil || a.requestURL == "" || !ch.isMember(in.botUserID) || !slices.Contains(a.botScopes, scope) {
			continue
		}
		ctxJSON, _ := json.Marshal(map[string]string{"et": inner["type"].(string), "tid": ch.team, "aid": a.id, "cid": ch.id})
		env := map[string]any{
			"token":                 a.verificationToken,
			"team_id":               ch.team,
			"context_team_id":       ch.team,
			"context_enterprise_id": nil,
			"api_app_id":            a.id,
			"event":                 inner,
			"type":                  "event_callback",
			"event_id":              e.newID("Ev"),
			"event_time":            now,
			"authorizations": []any{map[string]any{
				"enterprise_id": nil, "team_id": ch.team, "user_id": in.botUserID,
				"is_bot": true, "is_enterprise_install": false,
			}},
			"is_ext_shared_channel": ch.extShared,
			"event_context":         "4-" + base64.RawURLEncoding.EncodeToString(ctxJSON),
		}
		body, err := json.Marshal(env)
		if err != nil {
			e.base.Log.Error("encode event", "err", err)
			continue
		}
		a.events.Push(e.send(a.requestURL, a.signingSecret, body))
	}
}

func (e *Emulator) emitMessage(ch *channel, m *message) {
	ev := e.eventMessage(ch, m)
	ev["channel"] = ch.id
	ev["event_ts"] = m.ts
	ev["channel_type"] = "channel"
	e.emit(ch, scopeMessages, ev)
}

// eventMessage is a message as events show it. In a Slack Connect channel
// Slack leaves files out of events: each is a stub that says to ask
// files.info.
func (e *Emulator) eventMessage(ch *channel, m *message) map[string]any {
	out := e.renderMessage(m, false)
	if !ch.extShared || len(m.files) == 0 {
		return out
	}
	stubs := make([]any, 0, len(m.files))
	for _, id := range m.files {
		stubs = append(stubs, map[string]any{
			"id": id, "mode": "file_access", "file_access": "check_file_info",
			"created": 0, "timestamp": 0, "user": "",
		})
	}
	out["files"] = stubs
	return out
}

// emitChanged sends message_changed: the outer ts/event_ts is the time of
// the edit, message.ts the edited message.
func (e *Emulator) emitChanged(ch *channel, m *message, previous map[string]any) {
	evTS := e.newTS()
	e.emit(ch, scopeMessages, map[string]any{
		"type": "message", "subtype": "message_changed", "hidden": true,
		"channel": ch.id, "channel_type": "channel", "ts": evTS, "event_ts": evTS,
		"message": e.eventMessage(ch, m), "previous_message": previous,
	})
}

func (e *Emulator) emitDeleted(ch *channel, deletedTS string, previous map[string]any) {
	evTS := e.newTS()
	e.emit(ch, scopeMessages, map[string]any{
		"type": "message", "subtype": "message_deleted", "hidden": true,
		"channel": ch.id, "channel_type": "channel", "ts": evTS, "event_ts": evTS,
		"deleted_ts": deletedTS, "previous_message": previous,
	})
}

func (e *Emulator) emitReaction(ch *channel, m *message, kind, userID, name string) {
	evTS := e.newTS()
	e.emit(ch, scopeReactions, map[string]any{
		"type": kind, "user": userID, "reaction": name, "item_user": m.user,
		"item":     map[string]any{"type": "message", "channel": ch.id, "ts": m.ts},
		"event_ts": evTS,
	})
}

func (e *Emulator) emitMemberJoined(ch *channel, u *user, inviter string) {
	ev := map[string]any{
		"type": "member_joined_channel", "user": u.id, "channel": ch.id,
		"channel_type": "C", "team": ch.team, "event_ts": e.newTS(),
	}
	if inviter != "" {
		ev["inviter"] = inviter
	}
	e.emit(ch, scopeChannels, ev)
}

func (e *Emulator) emitFileShared(ch *channel, f *file, userID string) {
	e.emit(ch, scopeFiles, map[string]any{
		"type": "file_shared", "file_id": f.id, "user_id": userID,
		"file": map[string]any{"id": f.id}, "channel_id": ch.id, "event_ts": e.newTS(),
	})
}
