package webex

import (
	"encoding/json"
	"time"
)

// The state's records. IDs are Webex-shaped; every field is guarded by
// Emulator.mu.
type (
	org struct {
		id, uuid, name string
	}

	person struct {
		id, org, name, email, token string
		bot                         bool
		created                     time.Time
	}

	room struct {
		id, org, title, kind, creator string            // kind: "group" or "direct"
		members                       map[string]string // person ID → membership ID
		created, lastActivity         time.Time
	}

	message struct {
		id, room, parent, person  string
		text, markdown, html      string
		mentioned, groups         []string
		files                     []string // content IDs
		attachments               []attachment
		edits                     int
		created, updated, deleted time.Time
	}

	// attachment is a card posted with a message, kept as sent.
	attachment struct {
		ContentType string          `json:"contentType"`
		Content     json.RawMessage `json:"content"`
	}

	content struct {
		id, room, name, mime string
		data                 []byte
	}

	webhook struct {
		id, name, targetURL, resource, event, filter, secret string
		owner, status                                        string
		created                                              time.Time
		failures                                             []time.Time
	}
)

type state struct {
	orgs     map[string]*org
	people   map[string]*person
	byEmail  map[string]*person // lowercase email
	byToken  map[string]*person
	rooms    map[string]*room
	messages map[string]*message
	order    []*message // creation order, for lists
	contents map[string]*content
	hooks    map[string]*webhook
	hookList []*webhook // creation order
}

func newState() *state {
	return &state{
		orgs:     map[string]*org{},
		people:   map[string]*person{},
		byEmail:  map[string]*person{},
		byToken:  map[string]*person{},
		rooms:    map[string]*room{},
		messages: map[string]*message{},
		contents: map[string]*content{},
		hooks:    map[string]*webhook{},
	}
}

func (r *room) isMember(personID string) bool {
	_, ok := r.members[personID]
	return ok
}

// mentions reports whether m mentions personID directly.
func (m *message) mentions(personID string) bool {
	for _, p := range m.mentioned {
		if p == personID {
			return true
		}
	}
	return false
}

// visibleTo reports whether p may see m: every member sees every message,
// except that a bot sees only what mentions it (or is its own) in group
// rooms.
func (st *state) visibleTo(p *person, m *message) bool {
	r := st.rooms[m.room]
	if r == nil || !r.isMember(p.id) {
		return false
	}
	if p.bot && r.kind == "group" {
		return m.person == p.id || m.mentions(p.id)
	}
	return true
}
