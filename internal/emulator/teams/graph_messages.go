package teams

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// graphTime is Graph's DateTimeOffset form.
const graphTime = "2006-01-02T15:04:05.000Z"

// Graph list pages: $top defaults to 20 and may be at most 50 for
// channel messages.
const (
	defaultTop = 20
	maxTop     = 50
)

// graphMessageIn is the body of POST/PATCH on a chatMessage.
type graphMessageIn struct {
	Body *struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Subject    *string `json:"subject"`
	Importance string  `json:"importance"`
	Mentions   []struct {
		ID          int    `json:"id"`
		MentionText string `json:"mentionText"`
		Mentioned   struct {
			User *struct {
				ID          string `json:"id"`
				DisplayName string `json:"displayName"`
			} `json:"user"`
			Application *struct {
				ID          string `json:"id"`
				DisplayName string `json:"displayName"`
			} `json:"application"`
		} `json:"mentioned"`
	} `json:"mentions"`
	Attachments []struct {
		ID          string  `json:"id"`
		ContentType string  `json:"contentType"`
		ContentURL  *string `json:"contentUrl"`
		Content     *string `json:"content"`
		Name        *string `json:"name"`
	} `json:"attachments"`
}

// decodeGraphMessage parses and checks a chatMessage body the way Graph
// does: a body is required, mentions must point at <at id="N"> tags and
// attachments at <attachment id="…"> tags in it. The returned string is
// the Graph error message when the body is invalid.
func decodeGraphMessage(body []byte) (*graphMessageIn, string) {
	var in graphMessageIn
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, "Invalid JSON in the request body."
	}
	if in.Body == nil {
		return nil, "Message body is required."
	}
	switch strings.ToLower(in.Body.ContentType) {
	case "", "text":
		in.Body.ContentType = "text"
	case "html":
		in.Body.ContentType = "html"
	default:
		return nil, "Invalid body contentType."
	}
	if strings.TrimSpace(in.Body.Content) == "" {
		return nil, "Message body content cannot be empty."
	}
	switch in.Importance {
	case "", "normal", "high", "urgent":
	default:
		return nil, "Invalid importance."
	}
	seen := map[int]bool{}
	for _, m := range in.Mentions {
		if seen[m.ID] || m.ID < 0 {
			return nil, "Duplicate or invalid mention id."
		}
		seen[m.ID] = true
		if (m.Mentioned.User == nil) == (m.Mentioned.Application == nil) {
			return nil, "A mention must name exactly one user or application."
		}
		if in.Body.ContentType != "html" || !strings.Contains(in.Body.Content, `<at id="`+strconv.Itoa(m.ID)+`">`) {
			return nil, "Mention id " + strconv.Itoa(m.ID) + " is not referenced in the message body."
		}
	}
	for _, a := range in.Attachments {
		if a.ID == "" || a.ContentType == "" {
			return nil, "Attachment id and contentType are required."
		}
		if !strings.Contains(in.Body.Content, `<attachment id="`+a.ID+`">`) {
			return nil, "Attachment " + a.ID + " is not referenced in the message body."
		}
	}
	return &in, ""
}

// messageFromGraph builds mentions and attachments from a checked body.
// The caller holds e.mu; ok is false (and the call answered) when a
// mentioned user or app does not exist.
func (g *graphCall) messageParts(in *graphMessageIn) ([]mention, []json.RawMessage, bool) {
	var mentions []mention
	for _, m := range in.Mentions {
		mn := mention{id: m.ID, text: m.MentionText}
		if u := m.Mentioned.User; u != nil {
			if g.e.st.users[u.ID] == nil {
				g.fail(http.StatusBadRequest, "BadRequest", "Mentioned user not found.")
				return nil, nil, false
			}
			mn.userID, mn.name = u.ID, u.DisplayName
		} else {
			if g.e.st.bots[m.Mentioned.Application.ID] == nil {
				g.fail(http.StatusBadRequest, "BadRequest", "Mentioned application not found.")
				return nil, nil, false
			}
			mn.appID, mn.name = m.Mentioned.Application.ID, m.Mentioned.Application.DisplayName
		}
		if mn.name == "" {
			mn.name = mn.text
		}
		mentions = append(mentions, mn)
	}
	var atts []json.RawMessage
	for _, a := range in.Attachments {
		raw, _ := json.Marshal(map[string]any{
			"id": a.ID, "contentType": a.ContentType, "contentUrl": a.ContentURL,
			"content": a.Content, "name": a.Name, "thumbnailUrl": nil, "teamsAppId": nil,
		})
		atts = append(atts, raw)
	}
	return mentions, atts, true
}

// container is where a Graph message call acts: a channel or a chat.
type container struct {
	w    where
	loc  msgLoc
	find func(id string) *message
	add  func(m *message)
	msgs func() []*message
}

// msgLoc identifies a message's home for rendering.
type msgLoc struct {
	tenant, teamID, channelID, chatID string
}

// container resolves /teams/{team}/channels/{channel} or /chats/{chat}.
// The caller holds e.mu.
func (g *graphCall) container() (*container, bool) {
	if g.r.PathValue("chat") != "" {
		ct, ok := g.chatAccess(g.r.PathValue("chat"))
		if !ok {
			return nil, false
		}
		return &container{
			w: g.e.inChat(ct), loc: msgLoc{tenant: ct.tenant, chatID: ct.graphID}, find: ct.find,
			add: func(m *message) { ct.msgs = append(ct.msgs, m) }, msgs: func() []*message { return ct.msgs },
		}, true
	}
	t, ch, ok := g.channelAccess()
	if !ok {
		return nil, false
	}
	return &container{
		w: g.e.inChannel(ch), loc: msgLoc{tenant: ch.tenant, teamID: t.id, channelID: ch.id}, find: ch.find,
		add: func(m *message) { ch.msgs = append(ch.msgs, m) }, msgs: func() []*message { return ch.msgs },
	}, true
}

// graphPostMessage answers POST …/messages (new thread) and
// …/messages/{msg}/replies (reply) for a person; Graph does not let
// application permissions post outside migration.
func (e *Emulator) graphPostMessage(g *graphCall) {
	if !g.isUser() {
		g.forbidden()
		return
	}
	body, ok := g.readBody()
	if !ok {
		return
	}
	in, problem := decodeGraphMessage(body)
	if problem != "" {
		g.fail(http.StatusBadRequest, "BadRequest", problem)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, ok := g.container()
	if !ok {
		return
	}
	var root *message
	if rootID := g.r.PathValue("msg"); rootID != "" {
		root = ct.find(rootID)
		if root == nil || root.replyTo != "" {
			g.notFound("Message")
			return
		}
	}
	mentions, atts, ok := g.messageParts(in)
	if !ok {
		return
	}
	now := e.now()
	m := &message{
		id: e.newMessageID(), fromUser: g.tok.userID, contentType: in.Body.ContentType, content: in.Body.Content,
		mentions: mentions, attachments: atts, created: now, modified: now, importance: in.Importance,
	}
	if in.Subject != nil && root == nil {
		m.subject = *in.Subject
	}
	if root != nil {
		m.replyTo = root.id
		root.replies = append(root.replies, m.id)
	}
	ct.add(m)
	e.emitMessage(ct.w, m)
	g.reply(http.StatusCreated, e.graphMessage(ct.loc, m))
}

// targetMessage resolves {msg} or {msg}/replies/{reply}. The caller holds
// e.mu.
func (g *graphCall) targetMessage() (*container, *message, bool) {
	ct, ok := g.container()
	if !ok {
		return nil, nil, false
	}
	m := ct.find(g.r.PathValue("msg"))
	if m == nil || m.replyTo != "" {
		g.notFound("Message")
		return nil, nil, false
	}
	if id := g.r.PathValue("reply"); id != "" {
		m = ct.find(id)
		if m == nil || m.replyTo != g.r.PathValue("msg") {
			g.notFound("Message")
			return nil, nil, false
		}
	}
	return ct, m, true
}

func (e *Emulator) graphGetMessage(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, m, ok := g.targetMessage()
	if !ok {
		return
	}
	g.reply(http.StatusOK, e.graphMessage(ct.loc, m))
}

// graphListMessages answers GET …/messages (thread roots) and
// …/messages/{msg}/replies, newest first, paged with $top and a
// $skiptoken in @odata.nextLink.
func (e *Emulator) graphListMessages(g *graphCall) {
	q := g.r.URL.Query()
	top := defaultTop
	if s := q.Get("$top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxTop {
			g.fail(http.StatusBadRequest, "BadRequest", "$top must be between 1 and 50.")
			return
		}
		top = n
	}
	skip := 0
	if s := q.Get("$skiptoken"); s != "" {
		n, ok := decodeContinuation(s)
		if !ok {
			g.fail(http.StatusBadRequest, "BadRequest", "Invalid $skiptoken.")
			return
		}
		skip = n
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, ok := g.container()
	if !ok {
		return
	}
	rootID := g.r.PathValue("msg")
	if rootID != "" {
		if r := ct.find(rootID); r == nil || r.replyTo != "" {
			g.notFound("Message")
			return
		}
	}
	var list []*message
	for _, m := range slices.Backward(ct.msgs()) {
		if m.replyTo == rootID {
			list = append(list, m)
		}
	}
	skip = min(skip, len(list))
	end := min(skip+top, len(list))
	out := make([]any, 0, end-skip)
	for _, m := range list[skip:end] {
		out = append(out, e.graphMessage(ct.loc, m))
	}
	res := map[string]any{"@odata.count": len(out), "value": out}
	if end < len(list) {
		next := *g.r.URL
		nq := next.Query()
		nq.Set("$skiptoken", encodeContinuation(end))
		next.RawQuery = nq.Encode()
		res["@odata.nextLink"] = e.base.URL() + next.RequestURI()
	}
	g.reply(http.StatusOK, res)
}

// graphPatchMessage lets a person edit their own message's body (and
// mentions); bots edit through the Connector.
func (e *Emulator) graphPatchMessage(g *graphCall) {
	if !g.isUser() {
		g.forbidden()
		return
	}
	body, ok := g.readBody()
	if !ok {
		return
	}
	in, problem := decodeGraphMessage(body)
	if problem != "" {
		g.fail(http.StatusBadRequest, "BadRequest", problem)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ct, m, ok := g.targetMessage()
	if !ok {
		return
	}
	if m.fromUser != g.tok.userID || !m.deleted.IsZero() {
		g.fail(http.StatusForbidden, "Forbidden", "Only the sender can update a message that is not deleted.")
		return
	}
	mentions, atts, ok := g.messageParts(in)
	if !ok {
		return
	}
	now := e.now()
	m.contentType, m.content, m.mentions, m.attachments = in.Body.ContentType, in.Body.Content, mentions, atts
	m.modified, m.edited = now, now
	e.emitEdit(ct.w, m, "")
	g.reply(http.StatusNoContent, nil)
}
