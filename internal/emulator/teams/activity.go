package teams

import (
	"encoding/json"
	"time"
)

// Activity timestamps look like Teams': UTC with seven fractional digits.
const activityTime = "2006-01-02T15:04:05.0000000Z07:00"

func fmtActivityTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// account renders a ChannelAccount for a person.
func userAccount(u *user) map[string]any {
	return map[string]any{"id": u.mri, "name": u.name, "aadObjectId": u.id}
}

func botAccount(b *bot) map[string]any {
	return map[string]any{"id": b.mri(), "name": b.name}
}

// channelConversation is the conversation of a channel thread: Teams
// appends ";messageid=<root>" to the channel ID for every message in a
// thread, the root included.
func channelConversation(c *channel, root string) map[string]any {
	id := c.id
	if root != "" {
		id += ";messageid=" + root
	}
	return map[string]any{"isGroup": true, "conversationType": "channel", "tenantId": c.tenant, "id": id}
}

// channelData is what Teams puts in every channel activity.
func channelData(c *channel, t *team) map[string]any {
	return map[string]any{
		"teamsChannelId": c.id,
		"teamsTeamId":    t.threadID,
		"channel":        map[string]any{"id": c.id},
		"team":           map[string]any{"id": t.threadID},
		"tenant":         map[string]any{"id": c.tenant},
	}
}

// baseActivity has the fields every activity to a bot carries; emit adds
// recipient.
func (e *Emulator) baseActivity(typ, id string, from map[string]any, conv map[string]any, cd map[string]any) map[string]any {
	now := e.now()
	return map[string]any{
		"type":           typ,
		"id":             id,
		"timestamp":      fmtActivityTime(now),
		"localTimestamp": now.UTC().Format(activityTime),
		"serviceUrl":     e.base.URL() + "/",
		"channelId":      "msteams",
		"from":           from,
		"conversation":   conv,
		"channelData":    cd,
		"locale":         "en-US",
		"localTimezone":  "Etc/UTC",
	}
}

func (e *Emulator) emitTo(b *bot, act map[string]any) {
	if b == nil || b.endpoint == "" {
		return
	}
	act["recipient"] = botAccount(b)
	body, err := json.Marshal(act)
	delete(act, "recipient")
	if err != nil {
		e.base.Log.Error("encode activity", "err", err)
		return
	}
	b.activities.Push(e.send(&delivery{url: b.endpoint, appID: b.appID, serviceURL: e.base.URL() + "/", body: body}))
}

// fromOf renders the author of m.
func (e *Emulator) fromOf(m *message) map[string]any {
	if m.fromBot != "" {
		if b := e.st.bots[m.fromBot]; b != nil {
			return botAccount(b)
		}
		return map[string]any{"id": "28:" + m.fromBot}
	}
	if u := e.st.users[m.fromUser]; u != nil {
		return userAccount(u)
	}
	return map[string]any{"id": ""}
}

// threadRoot is the root message ID of m's thread in a channel.
func threadRoot(m *message) string {
	if m.replyTo != "" {
		return m.replyTo
	}
	return m.id
}

// messageContent fills text, textFormat, attachments and entities of a
// message or messageUpdate activity from a stored message.
func (e *Emulator) messageContent(act map[string]any, m *message) {
	text, html := activityText(m)
	act["text"] = text
	act["textFormat"] = "plain"
	atts := []any{map[string]any{"contentType": "text/html", "content": html}}
	atts = append(atts, e.activityAttachments(m)...)
	act["attachments"] = atts
	entities := []any{}
	for _, mn := range m.mentions {
		entities = append(entities, map[string]any{
			"type":      "mention",
			"text":      "<at>" + mn.text + "</at>",
			"mentioned": e.mentionedAccount(mn),
		})
	}
	entities = append(entities, map[string]any{
		"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web", "timezone": "Etc/UTC",
	})
	act["entities"] = entities
}

func (e *Emulator) mentionedAccount(mn mention) map[string]any {
	if mn.appID != "" {
		return map[string]any{"id": "28:" + mn.appID, "name": mn.name}
	}
	if u := e.st.users[mn.userID]; u != nil {
		return map[string]any{"id": u.mri, "name": mn.name, "aadObjectId": u.id}
	}
	return map[string]any{"id": mn.userID, "name": mn.name}
}

// activityAttachments turns Graph attachments into what a bot sees: file
// references become file.download.info cards with a pre-authenticated
// download URL; cards pass through with their content parsed.
func (e *Emulator) activityAttachments(m *message) []any {
	var out []any
	for _, raw := range m.attachments {
		var a struct {
			ID          string  `json:"id"`
			ContentType string  `json:"contentType"`
			ContentURL  string  `json:"contentUrl"`
			Content     *string `json:"content"`
			Name        string  `json:"name"`
		}
		if json.Unmarshal(raw, &a) != nil {
			continue
		}
		switch a.ContentType {
		case "reference":
			info := map[string]any{"uniqueId": a.ID, "fileType": fileType(a.Name)}
			if it := e.itemByURL(a.ContentURL); it != nil {
				info["downloadUrl"] = e.downloadURL(it)
				info["etag"] = it.etag
			}
			out = append(out, map[string]any{
				"contentType": "application/vnd.microsoft.teams.file.download.info",
				"contentUrl":  a.ContentURL, "name": a.Name, "content": info,
			})
		case "messageReference":
			// Quoted replies stay in the HTML copy only.
		default:
			att := map[string]any{"contentType": a.ContentType}
			if a.Content != nil {
				var parsed any
				if json.Unmarshal([]byte(*a.Content), &parsed) == nil {
					att["content"] = parsed
				} else {
					att["content"] = *a.Content
				}
			}
			if a.ContentURL != "" {
				att["contentUrl"] = a.ContentURL
			}
			if a.Name != "" {
				att["name"] = a.Name
			}
			out = append(out, att)
		}
	}
	return out
}

// where is the conversation a message lives in, as activities describe
// it: a channel thread or a chat.
type where struct {
	conv func(root string) map[string]any
	cd   func() map[string]any
	bots []string // installed bots, in install order
}

// inChannel describes a channel; the caller holds e.mu.
func (e *Emulator) inChannel(c *channel) where {
	t := e.st.teams[c.team]
	return where{
		conv: func(root string) map[string]any { return channelConversation(c, root) },
		cd:   func() map[string]any { return channelData(c, t) },
		bots: t.installs,
	}
}

// inChat describes a chat. Chat activities carry only the tenant in
// channelData.
func (e *Emulator) inChat(ct *chat) where {
	return where{
		conv: func(string) map[string]any { return chatConversation(ct) },
		cd:   func() map[string]any { return map[string]any{"tenant": map[string]any{"id": ct.tenant}} },
		bots: ct.bots,
	}
}

func chatConversation(ct *chat) map[string]any {
	if ct.group {
		conv := map[string]any{"isGroup": true, "conversationType": "groupChat", "tenantId": ct.tenant, "id": ct.id}
		if ct.topic != "" {
			conv["name"] = ct.topic
		}
		return conv
	}
	return map[string]any{"conversationType": "personal", "tenantId": ct.tenant, "id": ct.id}
}

// emitWhere queues act for the bots of w except the one named by except
// (Teams does not echo a bot's own sends back to it). The caller holds
// e.mu, so activities are queued in the order the state changed.
func (e *Emulator) emitWhere(w where, except string, act map[string]any) {
	for _, appID := range w.bots {
		if appID != except {
			e.emitTo(e.st.bots[appID], act)
		}
	}
}

func (e *Emulator) messageActivity(w where, typ, eventType string, m *message, content bool) map[string]any {
	cd := w.cd()
	if eventType != "" {
		cd["eventType"] = eventType
	}
	act := e.baseActivity(typ, m.id, e.fromOf(m), w.conv(threadRoot(m)), cd)
	if m.replyTo != "" {
		act["replyToId"] = m.replyTo
	}
	if content {
		e.messageContent(act, m)
	}
	return act
}

// emitMessage delivers a new message (channel root, reply or chat).
func (e *Emulator) emitMessage(w where, m *message) {
	e.emitWhere(w, m.fromBot, e.messageActivity(w, "message", "", m, true))
}

// emitEdit delivers messageUpdate/editMessage with the new content.
func (e *Emulator) emitEdit(w where, m *message, actorBot string) {
	e.emitWhere(w, actorBot, e.messageActivity(w, "messageUpdate", "editMessage", m, true))
}

// emitDelete delivers messageDelete/softDeleteMessage; like Teams it
// carries no content.
func (e *Emulator) emitDelete(w where, m *message, actorBot string) {
	e.emitWhere(w, actorBot, e.messageActivity(w, "messageDelete", "softDeleteMessage", m, false))
}

// emitUndelete delivers messageUpdate/undeleteMessage with the restored
// content.
func (e *Emulator) emitUndelete(w where, m *message) {
	e.emitWhere(w, "", e.messageActivity(w, "messageUpdate", "undeleteMessage", m, true))
}

// emitReaction delivers messageReaction; replyToId names the message
// reacted to and from is the person reacting.
func (e *Emulator) emitReaction(w where, m *message, u *user, kind string, added bool) {
	act := e.baseActivity("messageReaction", newActivityID(), userAccount(u), w.conv(threadRoot(m)), w.cd())
	act["replyToId"] = m.id
	field := "reactionsRemoved"
	if added {
		field = "reactionsAdded"
	}
	act[field] = []any{map[string]any{"type": kind}}
	e.emitWhere(w, "", act)
}

// emitInstall delivers what a bot gets when a team installs it:
// conversationUpdate (teamMemberAdded with the bot) and installationUpdate
// (add), both in the General channel.
func (e *Emulator) emitInstall(b *bot, t *team) {
	general := e.st.channels[t.threadID]
	from := map[string]any{"id": "29:1" + t.id, "aadObjectId": ""}
	if len(t.members) > 0 {
		if u := e.st.users[t.members[0]]; u != nil {
			from = userAccount(u)
		}
	}
	teamInfo := map[string]any{"id": t.threadID, "name": t.name, "aadGroupId": t.id}
	conv := channelConversation(general, "")

	cu := e.baseActivity("conversationUpdate", newActivityID(), from, conv, map[string]any{
		"team": teamInfo, "eventType": "teamMemberAdded", "tenant": map[string]any{"id": t.tenant},
	})
	cu["membersAdded"] = []any{map[string]any{"id": b.mri()}}
	e.emitTo(b, cu)

	iu := e.baseActivity("installationUpdate", newActivityID(), from, conv, map[string]any{
		"settings": map[string]any{"selectedChannel": map[string]any{"id": general.id}},
		"channel":  map[string]any{"id": general.id},
		"team":     teamInfo,
		"tenant":   map[string]any{"id": t.tenant},
		"source":   map[string]any{"name": "message"},
	})
	iu["action"] = "add"
	e.emitTo(b, iu)
}
