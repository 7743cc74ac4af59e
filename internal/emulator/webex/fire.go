package webex

import (
	"bytes"
	"encoding/json"
	"strings"
)

// payload is a webhook delivery body. Field order and names follow the
// example in Webex's "Receive and verify events" guide.
type payload struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	TargetURL string `json:"targetUrl"`
	Resource  string `json:"resource"`
	Event     string `json:"event"`
	Filter    string `json:"filter,omitempty"`
	OrgID     string `json:"orgId"`
	CreatedBy string `json:"createdBy"`
	AppID     string `json:"appId"`
	OwnedBy   string `json:"ownedBy"`
	Status    string `json:"status"`
	Created   string `json:"created"`
	ActorID   string `json:"actorId"`
	Data      any    `json:"data"`
}

// messageData is what a messages webhook carries: IDs, never the text.
type messageData struct {
	ID              string   `json:"id"`
	RoomID          string   `json:"roomId"`
	RoomType        string   `json:"roomType"`
	ParentID        string   `json:"parentId,omitempty"`
	PersonID        string   `json:"personId"`
	PersonEmail     string   `json:"personEmail"`
	MentionedPeople []string `json:"mentionedPeople,omitempty"`
	MentionedGroups []string `json:"mentionedGroups,omitempty"`
	Files           []string `json:"files,omitempty"`
	Created         string   `json:"created"`
}

// fireMessage queues a messages webhook for every active webhook whose
// owner may see m and whose event and filter match. The caller holds e.mu.
func (e *Emulator) fireMessage(r *room, m *message, event string) {
	author := e.st.people[m.person]
	data := messageData{
		ID: m.id, RoomID: r.id, RoomType: r.kind, ParentID: m.parent,
		PersonID: m.person, PersonEmail: author.email, Created: iso(m.created),
	}
	if event != "deleted" {
		data.MentionedPeople, data.MentionedGroups = m.mentioned, m.groups
		for _, f := range m.files {
			data.Files = append(data.Files, e.base.URL()+"/v1/contents/"+f)
		}
	}
	fields := map[string]string{
		"roomId": r.id, "roomType": r.kind, "personId": m.person, "personEmail": author.email,
	}
	for _, h := range e.st.hookList {
		owner := e.st.people[h.owner]
		if !h.wants("messages", event) || owner == nil || !e.st.visibleTo(owner, m) ||
			!filterMatches(h.filter, fields, owner, m) {
			continue
		}
		e.deliver(h, "messages", event, author.id, data)
	}
}

// fireMembership queues memberships webhooks for the room's members. The
// caller holds e.mu.
func (e *Emulator) fireMembership(r *room, p *person, id, event string) {
	data := renderMembership(r, p, id)
	fields := map[string]string{"roomId": r.id, "roomType": r.kind, "personId": p.id, "personEmail": p.email}
	for _, h := range e.st.hookList {
		if !h.wants("memberships", event) || !r.isMember(h.owner) || !filterMatches(h.filter, fields, nil, nil) {
			continue
		}
		e.deliver(h, "memberships", event, p.id, data)
	}
}

func (h *webhook) wants(resource, event string) bool {
	return h.status == "active" && (h.resource == resource || h.resource == "all") &&
		(h.event == event || h.event == "all")
}

// filterMatches applies a webhook filter (k=v&k=v) to an event.
func filterMatches(filter string, fields map[string]string, owner *person, m *message) bool {
	if filter == "" {
		return true
	}
	for _, kv := range strings.Split(filter, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "mentionedPeople":
			if m == nil || owner == nil {
				return false
			}
			id := v
			if v == "me" {
				id = owner.id
			}
			if !m.mentions(id) {
				return false
			}
		case "hasFiles":
			if m == nil || (v == "true") != (len(m.files) > 0) {
				return false
			}
		case "personEmail":
			if !strings.EqualFold(fields[k], v) {
				return false
			}
		default:
			if fields[k] != v {
				return false
			}
		}
	}
	return true
}

// deliver builds the signed body for h and queues it. The caller holds
// e.mu, so deliveries are queued in the order the state changed.
func (e *Emulator) deliver(h *webhook, resource, event, actor string, data any) {
	owner := e.st.people[h.owner]
	p := payload{
		ID: h.id, Name: h.name, TargetURL: h.targetURL, Resource: resource, Event: event,
		Filter: h.filter, OrgID: owner.org, CreatedBy: h.owner, AppID: appID, OwnedBy: "creator",
		Status: h.status, Created: iso(h.created), ActorID: actor, Data: data,
	}
	body, err := compactJSON(p)
	if err != nil {
		e.base.Log.Error("encode webhook", "err", err)
		return
	}
	e.lane.Push(e.send(&delivery{hook: h.id, url: h.targetURL, secret: h.secret, body: body}))
}

// compactJSON encodes v the way JSON.stringify would: no HTML escaping, no
// trailing newline.
func compactJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
