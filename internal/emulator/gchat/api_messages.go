package gchat

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"parley/internal/emulator"
)

// Scopes per method, from chat-api.json (short names). App auth uses
// chat.bot except where the docs require admin-approved chat.app.* scopes.
var (
	scopesMsgWrite = []string{"chat.messages", "chat.messages.create", "chat.import"}
	scopesMsgEdit  = []string{"chat.messages", "chat.import"}
	scopesMsgRead  = []string{"chat.messages", "chat.messages.readonly"}
	scopesBot      = []string{"chat.bot"}
)

func apiMessagesCreate(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgWrite, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	var in createInput
	if ae := decode(c.body, &in); ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	m, ae := c.e.createMessage(s, c.p, in, createParams{
		replyOption: q.Get("messageReplyOption"), messageID: q.Get("messageId"),
		requestID: q.Get("requestId"), threadKey: q.Get("threadKey"),
	})
	if ae != nil {
		return nil, ae
	}
	return c.e.messageJSON(m, false), nil
}

func apiMessagesGet(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgRead, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	m, ae := c.e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	return c.e.messageJSON(m, false), nil
}

// apiMessagesList pages through a space's messages. App auth needs the
// admin-approved chat.app.messages.readonly scope, as documented.
func apiMessagesList(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgRead, []string{"chat.app.messages.readonly"}, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	q := c.r.URL.Query()
	size, ok := pageSize(q.Get("pageSize"), 25, 1000)
	if !ok {
		return nil, errInvalid("Invalid pageSize.")
	}
	offset, ok := parsePageToken(q.Get("pageToken"))
	if !ok {
		return nil, errInvalid("Invalid pageToken.")
	}
	keep, ae := messageFilter(q.Get("filter"))
	if ae != nil {
		return nil, ae
	}
	desc := false
	switch strings.ToLower(strings.Join(strings.Fields(q.Get("orderBy")), " ")) {
	case "", "createtime asc":
	case "createtime desc":
		desc = true
	default:
		return nil, errInvalid("Invalid orderBy: only createTime ASC or createTime DESC is supported.")
	}
	showDeleted := q.Get("showDeleted") == "true"
	var all []*message
	for _, m := range s.msgs {
		if (!m.deleted || showDeleted) && keep(m) {
			all = append(all, m)
		}
	}
	if desc {
		slices.Reverse(all)
	}
	out := map[string]any{}
	if offset < len(all) {
		end := min(offset+size, len(all))
		var page []map[string]any
		for _, m := range all[offset:end] {
			page = append(page, c.e.messageJSON(m, false))
		}
		out["messages"] = page
		if end < len(all) {
			out["nextPageToken"] = pageToken(end)
		}
	}
	return out, nil
}

// messageFilter compiles spaces.messages.list's filter: createTime with
// >, <, >=, <= and an RFC 3339 value, and thread.name = NAME, ANDed.
func messageFilter(raw string) (func(*message) bool, *apiError) {
	groups, err := parseFilter(raw)
	if err != nil {
		return nil, errInvalid("Invalid filter: %s.", err.Error())
	}
	var preds []func(*message) bool
	for _, g := range groups {
		if len(g) != 1 {
			return nil, errInvalid("Invalid filter: OR is not supported for messages.")
		}
		c := g[0]
		switch c.field {
		case "createTime", "create_time":
			t, err := time.Parse(time.RFC3339Nano, c.value)
			if err != nil {
				return nil, errInvalid("Invalid filter: createTime needs an RFC 3339 timestamp.")
			}
			op := c.op
			switch op {
			case ">", "<", ">=", "<=":
			default:
				return nil, errInvalid("Invalid filter: createTime supports >, <, >= and <=.")
			}
			preds = append(preds, func(m *message) bool {
				switch op {
				case ">":
					return m.created.After(t)
				case "<":
					return m.created.Before(t)
				case ">=":
					return !m.created.Before(t)
				default:
					return !m.created.After(t)
				}
			})
		case "thread.name":
			if c.op != "=" {
				return nil, errInvalid("Invalid filter: thread.name supports =.")
			}
			name := c.value
			preds = append(preds, func(m *message) bool { return m.thread == name })
		default:
			return nil, errInvalid("Invalid filter: unsupported field %s.", emulator.Echo(c.field))
		}
	}
	return func(m *message) bool {
		for _, p := range preds {
			if !p(m) {
				return false
			}
		}
		return true
	}, nil
}

// apiMessagesUpdate serves patch and update: updateMask names the fields
// to replace. Apps edit only their own messages, and so do people.
func apiMessagesUpdate(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgEdit, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	e := c.e
	m, ae := e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	if m.senderName != c.p.id() {
		return nil, errDenied("The caller can only update messages it created.")
	}
	var in createInput
	if ae := decode(c.body, &in); ae != nil {
		return nil, ae
	}
	mask := c.r.URL.Query().Get("updateMask")
	if mask == "" {
		return nil, errInvalid("updateMask is required.")
	}
	fields := map[string]bool{}
	for _, f := range strings.Split(mask, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "*":
			fields["text"], fields["cards_v2"], fields["attachment"] = true, true, true
		case "text", "attachment", "accessory_widgets", "quoted_message_metadata":
			fields[f] = true
		case "cards_v2", "cardsV2", "cards":
			fields["cards_v2"] = true
		default:
			return nil, errInvalid("Invalid updateMask field: %s", emulator.Echo(f))
		}
	}
	check := in
	if !fields["attachment"] {
		check.Attachment = nil
	}
	if !fields["cards_v2"] {
		check.CardsV2 = nil
	}
	if !fields["text"] {
		check.Text = m.text
	}
	atts, ae := e.checkContent(s, c.p, check)
	if ae != nil {
		return nil, ae
	}
	if fields["text"] {
		m.text = e.resolveMentions(in.Text, c.p)
	}
	if fields["cards_v2"] {
		m.cardsV2 = nil
		if hasCards(in.CardsV2) {
			m.cardsV2 = in.CardsV2
		}
	}
	if fields["attachment"] {
		for _, a := range atts {
			a.name = m.name + "/attachments/" + e.newOpaqueID()
		}
		m.attachments = atts
	}
	m.updated = e.now()
	e.publish(s, "google.workspace.chat.message.v1.updated", m.name, func(full bool) any {
		if !full {
			return map[string]any{"message": map[string]any{"name": m.name}}
		}
		return map[string]any{"message": e.messageJSON(m, true)}
	})
	return e.messageJSON(m, false), nil
}

// apiMessagesDelete deletes a message the caller created. With user auth
// a thread root with replies needs force=true, which deletes the replies
// too; with app auth force has no effect and only the message goes.
func apiMessagesDelete(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgEdit, scopesBot, ""); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	e := c.e
	m, ae := e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	if m.senderName != c.p.id() {
		return nil, errDenied("The caller can only delete messages it created.")
	}
	force, _ := strconv.ParseBool(c.r.URL.Query().Get("force"))
	var replies []*message
	if !m.threadReply && !c.p.isApp() {
		for _, r := range s.msgs {
			if r.thread == m.thread && r.threadReply && !r.deleted {
				replies = append(replies, r)
			}
		}
		if len(replies) > 0 && !force {
			return nil, errPrecondition("Message has threaded replies. Set force to true to delete them too.")
		}
	}
	kind := "CREATOR_VIA_APP"
	if c.p.isApp() {
		kind = "CREATOR"
	}
	for _, r := range append(replies, m) {
		e.deleteMessage(s, r, kind)
	}
	return map[string]any{}, nil
}

func (e *Emulator) deleteMessage(s *space, m *message, kind string) {
	m.deleted, m.deleteTime, m.deletionType = true, e.now(), kind
	// MessageDeletedEventData: "Only the name, createTime, and
	// deletionMetadata fields are populated", whatever includeResource
	// says; no sender, thread, text or deleteTime.
	e.publish(s, "google.workspace.chat.message.v1.deleted", m.name, func(bool) any {
		return map[string]any{"message": map[string]any{"name": m.name, "createTime": ts(m.created),
			"deletionMetadata": map[string]any{"deletionType": kind}}}
	})
}
