package slack

import (
	"maps"
	"slices"
	"strings"
)

// renderMessage returns a message object as Slack's Web API and events
// show it. withMeta adds metadata, which Slack returns from history only
// when include_all_metadata is set.
func (e *Emulator) renderMessage(m *message, withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "ts": m.ts, "text": m.text}
	if m.user != "" {
		out["user"] = m.user
	}
	if m.subtype != "" {
		out["subtype"] = m.subtype
	}
	if u := e.st.users[m.user]; u != nil {
		out["team"] = u.team
	}
	if len(m.blocks) > 0 {
		out["blocks"] = m.blocks
	}
	if m.clientMsgID != "" {
		out["client_msg_id"] = m.clientMsgID
	}
	if m.botID != "" {
		out["bot_id"] = m.botID
		out["app_id"] = m.appID
		out["bot_profile"] = e.botProfile(m.user)
	}
	if m.username != "" {
		out["username"] = m.username
	}
	if len(m.icons) > 0 {
		out["icons"] = maps.Clone(m.icons)
	}
	if m.threadTS != "" {
		out["thread_ts"] = m.threadTS
	}
	if m.isReply() && m.parentUserID != "" {
		out["parent_user_id"] = m.parentUserID
	}
	if len(m.replies) > 0 {
		out["reply_count"] = len(m.replies)
		out["reply_users_count"] = len(m.replyUsers)
		out["reply_users"] = slices.Clone(m.replyUsers)
		out["latest_reply"] = m.replies[len(m.replies)-1]
		out["is_locked"] = false
		out["subscribed"] = false
	}
	if m.editedTS != "" {
		out["edited"] = map[string]any{"user": m.editedBy, "ts": m.editedTS}
	}
	if len(m.files) > 0 {
		files := make([]any, 0, len(m.files))
		for _, id := range m.files {
			if f := e.st.files[id]; f != nil {
				files = append(files, e.renderFile(f))
			}
		}
		out["files"] = files
		out["upload"] = false
		out["display_as_bot"] = false
	}
	if len(m.reactions) > 0 {
		rs := make([]any, 0, len(m.reactions))
		for _, r := range m.reactions {
			rs = append(rs, map[string]any{"name": r.name, "users": slices.Clone(r.users), "count": len(r.users)})
		}
		out["reactions"] = rs
	}
	if withMeta && len(m.metadata) > 0 {
		out["metadata"] = m.metadata
	}
	return out
}

// botProfile is the bot_profile object Slack attaches to app posts.
func (e *Emulator) botProfile(botUserID string) map[string]any {
	u := e.st.users[botUserID]
	if u == nil {
		return nil
	}
	return map[string]any{
		"id":      u.botID,
		"deleted": false,
		"name":    u.realName,
		"updated": u.updated,
		"app_id":  u.appID,
		"icons":   e.avatarSet(u.id, "image_36", "image_48", "image_72"),
		"team_id": u.team,
	}
}

// avatarSet returns image_NN URLs on the emulator for a user.
func (e *Emulator) avatarSet(userID string, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		out[k] = e.base.URL() + "/avatars/" + userID + "_" + strings.TrimPrefix(k, "image_") + ".png"
	}
	return out
}

// renderUser is Slack's user object. Email appears only for tokens with
// users:read.email.
func (e *Emulator) renderUser(u *user, withEmail bool) map[string]any {
	display := u.name
	if u.isBot {
		display = ""
	}
	profile := e.avatarSet(u.id, "image_24", "image_32", "image_48", "image_72", "image_192", "image_512")
	profile["real_name"] = u.realName
	profile["real_name_normalized"] = u.realName
	profile["display_name"] = display
	profile["display_name_normalized"] = display
	profile["team"] = u.team
	if withEmail && u.email != "" {
		profile["email"] = u.email
	}
	if u.isBot {
		profile["bot_id"] = u.botID
		profile["api_app_id"] = u.appID
		profile["always_active"] = true
	}
	return map[string]any{
		"id":          u.id,
		"team_id":     u.team,
		"name":        u.name,
		"deleted":     false,
		"real_name":   u.realName,
		"tz":          "Etc/UTC",
		"tz_label":    "Coordinated Universal Time",
		"tz_offset":   0,
		"profile":     profile,
		"is_admin":    false,
		"is_owner":    false,
		"is_bot":      u.isBot,
		"is_app_user": false,
		"updated":     u.updated,
	}
}

// renderChannel is Slack's conversation object for a public channel, as
// seen by the user asking (is_member).
func (e *Emulator) renderChannel(c *channel, viewer string) map[string]any {
	return map[string]any{
		"id":                    c.id,
		"name":                  c.name,
		"name_normalized":       c.name,
		"is_channel":            true,
		"is_group":              false,
		"is_im":                 false,
		"is_mpim":               false,
		"is_private":            false,
		"is_archived":           false,
		"is_general":            c.isGeneral,
		"is_shared":             c.extShared,
		"is_ext_shared":         c.extShared,
		"is_org_shared":         false,
		"is_pending_ext_shared": false,
		"is_member":             c.isMember(viewer),
		"context_team_id":       c.team,
		"created":               c.created,
		"creator":               c.creator,
		"unlinked":              0,
		"topic":                 map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose":               map[string]any{"value": "", "creator": "", "last_set": 0},
		"num_members":           len(c.members),
	}
}
