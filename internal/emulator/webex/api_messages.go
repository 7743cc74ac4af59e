package webex

import (
	"net/http"
	"strings"
)

// messageJSON is a message as /v1/messages shows it.
type messageJSON struct {
	ID              string       `json:"id"`
	ParentID        string       `json:"parentId,omitempty"`
	RoomID          string       `json:"roomId"`
	RoomType        string       `json:"roomType"`
	Text            string       `json:"text,omitempty"`
	Markdown        string       `json:"markdown,omitempty"`
	HTML            string       `json:"html,omitempty"`
	Files           []string     `json:"files,omitempty"`
	Attachments     []attachment `json:"attachments,omitempty"`
	PersonID        string       `json:"personId"`
	PersonEmail     string       `json:"personEmail"`
	MentionedPeople []string     `json:"mentionedPeople,omitempty"`
	MentionedGroups []string     `json:"mentionedGroups,omitempty"`
	Created         string       `json:"created"`
	Updated         string       `json:"updated,omitempty"`
}

func (e *Emulator) renderMessage(m *message) messageJSON {
	r := e.st.rooms[m.room]
	p := e.st.people[m.person]
	out := messageJSON{
		ID: m.id, ParentID: m.parent, RoomID: m.room, RoomType: r.kind,
		Text: m.text, Markdown: m.markdown, HTML: m.html,
		PersonID: m.person, PersonEmail: p.email,
		MentionedPeople: m.mentioned, MentionedGroups: m.groups, Created: iso(m.created),
	}
	out.Attachments = m.attachments
	for _, f := range m.files {
		out.Files = append(out.Files, e.base.URL()+"/v1/contents/"+f)
	}
	if !m.updated.IsZero() {
		out.Updated = iso(m.updated)
	}
	return out
}

// postInput is a message create request, from JSON or multipart.
type postInput struct {
	RoomID   string   `json:"roomId"`
	ParentID string   `json:"parentId"`
	ToPerson string   `json:"toPersonId"`
	ToEmail  string   `json:"toPersonEmail"`
	Text     string   `json:"text"`
	Markdown string   `json:"markdown"`
	HTML     string   `json:"html"`
	Files    []string `json:"files"`
	// Attachments are cards: Webex takes one Adaptive Card a message.
	Attachments []attachment `json:"attachments"`
	upload      *content
}

// cardType is the only attachment content type Webex accepts.
const cardType = "application/vnd.microsoft.card.adaptive"

// maxEdits is how often Webex lets a message be edited ("not more than
// 10 times", Edit a Message).
const maxEdits = 10

func (e *Emulator) messagesCreate(c *call) (int, any) {
	var in postInput
	if strings.HasPrefix(c.r.Header.Get("Content-Type"), "multipart/form-data") {
		st, body, ok := e.readMultipart(c, &in)
		if !ok {
			return st, body
		}
	} else if st, body, ok := c.decode(&in); !ok {
		return st, body
	}
	if len(in.Files) > 0 {
		return http.StatusBadRequest, apiError("files by URL cannot be fetched by the emulator: upload the file as multipart/form-data.")
	}
	if in.ToPerson != "" || in.ToEmail != "" {
		return http.StatusBadRequest, apiError("direct messages (toPersonId, toPersonEmail) are not emulated: post to a roomId.")
	}
	for _, f := range []string{in.Text, in.Markdown, in.HTML} {
		if len(f) > maxTextBytes {
			return http.StatusBadRequest, apiError("Message length must be less than 7439 bytes.")
		}
	}
	// html is what Webex renders markdown to in its answers; it is no
	// request parameter (Create a Message), so it alone posts nothing.
	if in.Text == "" && in.Markdown == "" && in.upload == nil && len(in.Attachments) == 0 {
		return http.StatusBadRequest, apiError("text, markdown, files or attachments must be specified.")
	}
	if len(in.Attachments) > 1 {
		return http.StatusBadRequest, apiError("Only one card attachment per message is supported.")
	}
	for _, a := range in.Attachments {
		if a.ContentType != cardType || len(a.Content) == 0 || a.Content[0] != '{' {
			return http.StatusBadRequest, apiError("Attachment contentType must be " + cardType + " with a card as content.")
		}
	}
	if len(in.Attachments) > 0 && in.upload != nil {
		return http.StatusBadRequest, apiError("A message cannot have both files and attachments.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.rooms[in.RoomID]
	if r == nil || !r.isMember(c.who.id) {
		return http.StatusNotFound, apiError("Could not find a room with provided ID.")
	}
	if in.ParentID != "" {
		parent := e.st.messages[in.ParentID]
		if parent == nil || parent.room != r.id || !parent.deleted.IsZero() {
			return http.StatusBadRequest, apiError("Invalid parentId.")
		}
		if parent.parent != "" {
			// Threads are one level deep.
			return http.StatusBadRequest, apiError("parentId must be the root of a thread.")
		}
	}
	now := e.now()
	m := &message{id: newID("MESSAGE"), room: r.id, parent: in.ParentID, person: c.who.id, created: now}
	e.setBody(m, r, in.Text, in.Markdown)
	m.attachments = in.Attachments
	if in.upload != nil {
		in.upload.room = r.id
		e.st.contents[in.upload.id] = in.upload
		m.files = []string{in.upload.id}
	}
	e.st.messages[m.id] = m
	e.st.order = append(e.st.order, m)
	r.lastActivity = now
	e.fireMessage(r, m, "created")
	return http.StatusOK, e.renderMessage(m)
}

// setBody fills a message's text, markdown, html and mentions.
func (e *Emulator) setBody(m *message, r *room, text, markdown string) {
	resolve := func(kind, v string) string {
		var p *person
		if kind == "personEmail" {
			p = e.st.byEmail[strings.ToLower(v)]
		} else {
			p = e.st.people[v]
		}
		if p == nil || !r.isMember(p.id) {
			return ""
		}
		return p.id
	}
	m.markdown, m.text, m.html = markdown, text, ""
	if markdown != "" {
		if text == "" {
			m.text = plainOf(markdown)
		}
		m.html = htmlOf(markdown, resolve)
		m.mentioned, m.groups = mentionsIn(markdown, resolve)
	} else {
		m.mentioned, m.groups = nil, nil
	}
}

// messageFor finds a live message the caller may see.
func (e *Emulator) messageFor(c *call) (*message, *room, int, any) {
	m := e.st.messages[c.r.PathValue("id")]
	if m == nil || !m.deleted.IsZero() {
		return nil, nil, http.StatusNotFound, errNotFound
	}
	r := e.st.rooms[m.room]
	if !r.isMember(c.who.id) {
		return nil, nil, http.StatusNotFound, errNotFound
	}
	if !e.st.visibleTo(c.who, m) {
		return nil, nil, http.StatusForbidden, errForbidden
	}
	return m, r, 0, nil
}

func (e *Emulator) messagesGet(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, _, st, body := e.messageFor(c)
	if m == nil {
		return st, body
	}
	return http.StatusOK, e.renderMessage(m)
}

// messagesEdit is PUT /v1/messages/{id}: roomId plus text or markdown;
// only the author may edit.
func (e *Emulator) messagesEdit(c *call) (int, any) {
	var in struct {
		RoomID   string `json:"roomId"`
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	if st, body, ok := c.decode(&in); !ok {
		return st, body
	}
	if in.RoomID == "" || (in.Text == "" && in.Markdown == "") {
		return http.StatusBadRequest, apiError("roomId and text or markdown are required.")
	}
	if len(in.Text) > maxTextBytes || len(in.Markdown) > maxTextBytes {
		return http.StatusBadRequest, apiError("Message length must be less than 7439 bytes.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m, r, st, body := e.messageFor(c)
	if m == nil {
		return st, body
	}
	if r.id != in.RoomID {
		return http.StatusBadRequest, apiError("roomId does not match the message.")
	}
	if m.person != c.who.id {
		return http.StatusForbidden, apiError("Only the author can edit a message.")
	}
	if len(m.files) > 0 || len(m.attachments) > 0 {
		return http.StatusBadRequest, apiError("Editing a message with files or attachments is currently unsupported.")
	}
	if m.edits >= maxEdits {
		return http.StatusBadRequest, apiError("A message can be edited at most 10 times.")
	}
	m.edits++
	m.updated = e.now()
	e.setBody(m, r, in.Text, in.Markdown)
	e.fireMessage(r, m, "updated")
	return http.StatusOK, e.renderMessage(m)
}

// messagesDelete deletes the caller's own message: 204, then 404.
func (e *Emulator) messagesDelete(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, r, st, body := e.messageFor(c)
	if m == nil {
		return st, body
	}
	if m.person != c.who.id {
		return http.StatusForbidden, apiError("Only the author can delete a message.")
	}
	m.deleted = e.now()
	e.fireMessage(r, m, "deleted")
	return http.StatusNoContent, nil
}

// messagesList lists a room's messages newest first, as Webex does, with
// parentId, before (time), beforeMessage and mentionedPeople=me.
func (e *Emulator) messagesList(c *call) (int, any) {
	q := c.r.URL.Query()
	max, ok := maxParam(c.r)
	if !ok {
		return http.StatusBadRequest, apiError("max must be a positive integer.")
	}
	if max == 0 || max > 1000 {
		max = 50
		if v := q.Get("max"); v != "" {
			max = 1000
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.rooms[q.Get("roomId")]
	if r == nil || !r.isMember(c.who.id) {
		return http.StatusNotFound, apiError("Could not find a room with provided ID.")
	}
	mentionedMe := q.Get("mentionedPeople") == "me" || q.Get("mentionedPeople") == c.who.id
	if c.who.bot && r.kind == "group" && !mentionedMe {
		return http.StatusForbidden, apiError("Bots can only list messages in group rooms that mention them: add mentionedPeople=me.")
	}
	parent, beforeMsg := q.Get("parentId"), q.Get("beforeMessage")
	start := len(e.st.order) - 1
	if beforeMsg != "" {
		start = -1
		for i, m := range e.st.order {
			if m.id == beforeMsg && m.room == r.id {
				start = i - 1
			}
		}
		if start == -1 && (e.st.messages[beforeMsg] == nil || e.st.messages[beforeMsg].room != r.id) {
			return http.StatusBadRequest, apiError("Invalid beforeMessage.")
		}
	}
	var out []messageJSON
	for i := start; i >= 0 && len(out) < max; i-- {
		m := e.st.order[i]
		if m.room != r.id || !m.deleted.IsZero() || (parent != "" && m.parent != parent) {
			continue
		}
		if (mentionedMe && !m.mentions(c.who.id)) || !e.st.visibleTo(c.who, m) {
			continue
		}
		out = append(out, e.renderMessage(m))
	}
	return http.StatusOK, items(out)
}
