package teams

import (
	"encoding/json"
	"net/http"

	"parley/internal/emulator/ids"
)

// botMessage turns a bot's activity into a stored message as Graph shows
// it: HTML body with <at id> mentions, cards as attachments referenced
// from the body. The caller holds e.mu.
func (e *Emulator) botMessage(appID string, a *inActivity) *message {
	now := e.now()
	mentions := e.activityMentions(a)
	texts := make([]string, len(mentions))
	for i, mn := range mentions {
		texts[i] = "<at>" + mn.text + "</at>"
	}
	m := &message{
		id: e.newMessageID(), fromBot: appID, contentType: "html",
		content:  graphHTMLFromBot(a.Text, a.TextFormat, texts),
		mentions: mentions, created: now, modified: now,
		importance: a.Importance, summary: a.Summary,
	}
	m.attachments, m.content = e.graphAttachments(a.Attachments, m.content)
	return m
}

// graphAttachments converts activity attachments to Graph
// chatMessageAttachments and appends the <attachment id> markers Graph
// puts in the body.
func (e *Emulator) graphAttachments(in []inAttachment, content string) ([]json.RawMessage, string) {
	var out []json.RawMessage
	for _, at := range in {
		id := ids.Hex(16)
		g := map[string]any{"id": id, "contentType": at.ContentType, "contentUrl": nil, "content": nil, "name": nil, "thumbnailUrl": nil, "teamsAppId": nil}
		switch at.ContentType {
		case "application/vnd.microsoft.teams.card.file.info":
			var info struct {
				UniqueID string `json:"uniqueId"`
			}
			_ = json.Unmarshal(at.Content, &info)
			if info.UniqueID != "" {
				id = info.UniqueID
			}
			g["id"], g["contentType"], g["contentUrl"], g["name"] = id, "reference", at.ContentURL, at.Name
		default:
			if len(at.Content) > 0 && string(at.Content) != "null" {
				g["content"] = string(at.Content)
			}
			if at.ContentURL != "" {
				g["contentUrl"] = at.ContentURL
			}
			if at.Name != "" {
				g["name"] = at.Name
			}
			if at.ThumbnailURL != "" {
				g["thumbnailUrl"] = at.ThumbnailURL
			}
		}
		raw, _ := json.Marshal(g)
		out = append(out, raw)
		content += `<attachment id="` + id + `"></attachment>`
	}
	return out, content
}

// postToChannel stores a bot's message in a channel (a new thread when
// root is "") and tells the other bots. The caller holds e.mu.
func (e *Emulator) postToChannel(ch *channel, root string, appID string, a *inActivity) *message {
	m := e.botMessage(appID, a)
	if root != "" {
		m.replyTo = root
		if r := ch.find(root); r != nil {
			r.replies = append(r.replies, m.id)
		}
	}
	ch.msgs = append(ch.msgs, m)
	e.emitMessage(e.inChannel(ch), m)
	return m
}

// resolveChannel finds a channel conversation and checks that the calling
// bot is installed in its team. The caller holds e.mu.
func (c *connCall) resolveChannel(ref convRef) (*channel, bool) {
	ch := c.e.st.channels[ref.channel]
	if ch == nil {
		c.fail(http.StatusNotFound, "ConversationNotFound", "Conversation not found.")
		return nil, false
	}
	if !c.e.st.teams[ch.team].hasBot(c.tok.appID) {
		c.fail(http.StatusForbidden, "BotNotInConversationRoster", "The bot is not part of the conversation roster.")
		return nil, false
	}
	return ch, true
}

func (c *connCall) resolveChat(ref convRef) (*chat, bool) {
	ct := c.e.st.chats[ref.chat]
	if ct == nil {
		c.fail(http.StatusNotFound, "ConversationNotFound", "Conversation not found.")
		return nil, false
	}
	if !ct.hasBot(c.tok.appID) {
		c.fail(http.StatusForbidden, "BotNotInConversationRoster", "The bot is not part of the conversation roster.")
		return nil, false
	}
	return ct, true
}

// readActivity checks the size limit and decodes the body.
func (c *connCall) readActivity() (*inActivity, bool) {
	if tooBig(c.body) {
		c.fail(http.StatusRequestEntityTooLarge, "MessageSizeTooBig", "Message size too big.")
		return nil, false
	}
	a, code := decodeActivity(c.body)
	if code != "" {
		c.fail(http.StatusBadRequest, code, "Invalid activity.")
		return nil, false
	}
	return a, true
}

// sendActivity answers POST /v3/conversations/{conv}/activities and, with
// replyTo set, POST …/activities/{activityId}.
func (e *Emulator) sendActivity(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	replyTo := c.r.PathValue("act")
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, sendLimits) {
		return
	}
	a, ok := c.readActivity()
	if !ok {
		return
	}
	if a.Type == "typing" {
		c.reply(http.StatusOK, map[string]any{})
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if ref.chat != "" {
		ct, ok := c.resolveChat(ref)
		if !ok {
			return
		}
		m := e.botMessage(c.tok.appID, a)
		ct.msgs = append(ct.msgs, m)
		e.emitMessage(e.inChat(ct), m)
		c.reply(http.StatusCreated, map[string]any{"id": m.id})
		return
	}
	ch, ok := c.resolveChannel(ref)
	if !ok {
		return
	}
	root := ref.root
	if root == "" && replyTo != "" {
		target := ch.find(replyTo)
		if target == nil {
			c.fail(http.StatusNotFound, "NotFound", "The activity to reply to was not found.")
			return
		}
		root = threadRoot(target)
	}
	if root != "" {
		if r := ch.find(root); r == nil || r.replyTo != "" {
			c.fail(http.StatusNotFound, "NotFound", "The thread root was not found.")
			return
		}
	}
	m := e.postToChannel(ch, root, c.tok.appID, a)
	c.reply(http.StatusCreated, map[string]any{"id": m.id})
}

// findOwn locates a message of the calling bot for update or delete. The
// caller holds e.mu.
func (c *connCall) findOwn(ref convRef, id string) (*message, where, bool) {
	var m *message
	var w where
	if ref.chat != "" {
		ct, ok := c.resolveChat(ref)
		if !ok {
			return nil, w, false
		}
		m, w = ct.find(id), c.e.inChat(ct)
	} else {
		ch, ok := c.resolveChannel(ref)
		if !ok {
			return nil, w, false
		}
		m, w = ch.find(id), c.e.inChannel(ch)
	}
	if m == nil || !m.deleted.IsZero() {
		c.fail(http.StatusNotFound, "NotFound", "Activity not found.")
		return nil, w, false
	}
	if m.fromBot != c.tok.appID {
		// A bot may edit or delete only what it sent.
		c.fail(http.StatusForbidden, "Forbidden", "The bot can only update or delete its own activities.")
		return nil, w, false
	}
	return m, w, true
}

// updateActivity answers PUT /v3/conversations/{conv}/activities/{act}.
func (e *Emulator) updateActivity(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, sendLimits) {
		return
	}
	a, ok := c.readActivity()
	if !ok {
		return
	}
	if a.Type != "message" {
		c.fail(http.StatusBadRequest, "BadArgument", "Only message activities can be updated.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m, w, ok := c.findOwn(ref, c.r.PathValue("act"))
	if !ok {
		return
	}
	fresh := e.botMessage(c.tok.appID, a)
	now := e.now()
	m.content, m.mentions, m.attachments = fresh.content, fresh.mentions, fresh.attachments
	m.summary, m.modified, m.edited = fresh.summary, now, now
	e.emitEdit(w, m, c.tok.appID)
	c.reply(http.StatusOK, map[string]any{"id": m.id})
}

// deleteActivity answers DELETE /v3/conversations/{conv}/activities/{act}:
// a soft delete, as in Teams ("This message has been deleted.").
func (e *Emulator) deleteActivity(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, sendLimits) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m, w, ok := c.findOwn(ref, c.r.PathValue("act"))
	if !ok {
		return
	}
	now := e.now()
	m.deleted, m.modified = now, now
	e.emitDelete(w, m, c.tok.appID)
	c.reply(http.StatusOK, nil)
}
