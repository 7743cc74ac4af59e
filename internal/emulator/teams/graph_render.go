package teams

import (
	"strconv"
	"time"
)

// legacyReactionNames are Graph's displayName for the classic reactions.
var legacyReactionNames = map[string]string{
	"like": "Like", "heart": "Heart", "laugh": "Laugh", "surprised": "Surprised", "sad": "Sad", "angry": "Angry",
}

// graphMessage renders a chatMessage as Graph v1.0 returns it. A deleted
// message keeps its metadata but loses its body, mentions and
// attachments. The caller holds e.mu.
func (e *Emulator) graphMessage(loc msgLoc, m *message) map[string]any {
	var from map[string]any
	if m.fromBot != "" {
		name := ""
		if b := e.st.bots[m.fromBot]; b != nil {
			name = b.name
		}
		from = map[string]any{"application": map[string]any{
			"@odata.type": "#microsoft.graph.teamworkApplicationIdentity", "id": m.fromBot,
			"displayName": name, "applicationIdentityType": "bot",
		}, "device": nil, "user": nil}
	} else {
		name := ""
		if u := e.st.users[m.fromUser]; u != nil {
			name = u.name
		}
		from = map[string]any{"application": nil, "device": nil, "user": map[string]any{
			"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": m.fromUser,
			"displayName": name, "userIdentityType": "aadUser", "tenantId": loc.tenant,
		}}
	}
	body := map[string]any{"contentType": m.contentType, "content": m.content}
	mentions := []any{}
	attachments := []any{}
	if m.deleted.IsZero() {
		for _, mn := range m.mentions {
			var who map[string]any
			if mn.appID != "" {
				who = map[string]any{"application": map[string]any{"@odata.type": "#microsoft.graph.teamworkApplicationIdentity", "id": mn.appID, "displayName": mn.name, "applicationIdentityType": "bot"}, "device": nil, "conversation": nil, "user": nil, "tag": nil}
			} else {
				who = map[string]any{"application": nil, "device": nil, "conversation": nil, "tag": nil, "user": map[string]any{"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": mn.userID, "displayName": mn.name, "userIdentityType": "aadUser"}}
			}
			mentions = append(mentions, map[string]any{"id": mn.id, "mentionText": mn.text, "mentioned": who})
		}
		for _, a := range m.attachments {
			attachments = append(attachments, a)
		}
	} else {
		body = map[string]any{"contentType": "text", "content": ""}
	}
	reactions := []any{}
	for _, r := range m.reactions {
		display := legacyReactionNames[r.kind]
		if display == "" {
			display = r.kind
		}
		reactions = append(reactions, map[string]any{
			"reactionType": r.kind, "displayName": display, "reactionContentUrl": nil,
			"createdDateTime": r.created.UTC().Format(graphTime),
			"user": map[string]any{"application": nil, "device": nil, "user": map[string]any{
				"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": r.userID, "displayName": nil, "userIdentityType": "aadUser",
			}},
		})
	}
	opt := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(graphTime)
	}
	optStr := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	importance := m.importance
	if importance == "" {
		importance = "normal"
	}
	var web, chatID, channelIdentity any
	if loc.chatID != "" {
		chatID = loc.chatID
		web = "https://teams.microsoft.com/l/message/" + loc.chatID + "/" + m.id + "?context=%7B%22contextType%22:%22chat%22%7D"
	} else {
		channelIdentity = map[string]any{"teamId": loc.teamID, "channelId": loc.channelID}
		web = "https://teams.microsoft.com/l/message/" + loc.channelID + "/" + m.id + "?groupId=" + loc.teamID + "&tenantId=" + loc.tenant +
			"&createdTime=" + strconv.FormatInt(m.created.UnixMilli(), 10) + "&parentMessageId=" + threadRoot(m)
	}
	return map[string]any{
		"id": m.id, "replyToId": optStr(m.replyTo), "etag": strconv.FormatInt(m.modified.UnixMilli(), 10),
		"messageType": "message", "createdDateTime": m.created.UTC().Format(graphTime),
		"lastModifiedDateTime": m.modified.UTC().Format(graphTime), "lastEditedDateTime": opt(m.edited),
		"deletedDateTime": opt(m.deleted), "subject": optStr(m.subject), "summary": optStr(m.summary),
		"chatId": chatID, "importance": importance, "locale": "en-us", "webUrl": web,
		"policyViolation": nil, "eventDetail": nil, "from": from, "body": body,
		"channelIdentity": channelIdentity,
		"attachments":     attachments, "mentions": mentions, "reactions": reactions, "messageHistory": []any{},
	}
}
