package webex

import (
	"net/http"
	"sort"
	"strings"
)

type roomJSON struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Type         string `json:"type"`
	IsLocked     bool   `json:"isLocked"`
	LastActivity string `json:"lastActivity"`
	CreatorID    string `json:"creatorId"`
	Created      string `json:"created"`
	OwnerID      string `json:"ownerId"`
	IsReadOnly   bool   `json:"isReadOnly"`
}

func (e *Emulator) renderRoom(r *room) roomJSON {
	return roomJSON{
		ID: r.id, Title: r.title, Type: r.kind, LastActivity: iso(r.lastActivity),
		CreatorID: r.creator, Created: iso(r.created), OwnerID: r.org,
	}
}

func (e *Emulator) roomsList(c *call) (int, any) {
	max, ok := maxParam(c.r)
	if !ok {
		return http.StatusBadRequest, apiError("max must be a positive integer.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var rs []*room
	for _, r := range e.st.rooms {
		if r.isMember(c.who.id) {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lastActivity.After(rs[j].lastActivity) })
	var out []roomJSON
	for _, r := range rs {
		if max > 0 && len(out) >= max {
			break
		}
		out = append(out, e.renderRoom(r))
	}
	return http.StatusOK, items(out)
}

func (e *Emulator) roomsGet(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.rooms[c.r.PathValue("id")]
	if r == nil || !r.isMember(c.who.id) {
		return http.StatusNotFound, errNotFound
	}
	return http.StatusOK, e.renderRoom(r)
}

func (e *Emulator) roomsCreate(c *call) (int, any) {
	var req struct {
		Title string `json:"title"`
	}
	if st, body, ok := c.decode(&req); !ok {
		return st, body
	}
	if strings.TrimSpace(req.Title) == "" {
		return http.StatusBadRequest, apiError("title: may not be empty")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	r := &room{id: newID("ROOM"), org: c.who.org, title: req.Title, kind: "group", creator: c.who.id,
		members: map[string]string{}, created: now, lastActivity: now}
	e.st.rooms[r.id] = r
	if _, err := e.addMemberLocked(r.id, c.who.id); err != nil {
		return http.StatusInternalServerError, apiError(err.Error())
	}
	return http.StatusOK, e.renderRoom(r)
}
