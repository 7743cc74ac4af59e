package webex

import (
	"net/http"
	"sort"
	"strings"
)

type membershipJSON struct {
	ID                string `json:"id"`
	RoomID            string `json:"roomId"`
	PersonID          string `json:"personId"`
	PersonEmail       string `json:"personEmail"`
	PersonDisplayName string `json:"personDisplayName"`
	PersonOrgID       string `json:"personOrgId"`
	IsModerator       bool   `json:"isModerator"`
	IsMonitor         bool   `json:"isMonitor"`
	RoomType          string `json:"roomType"`
	Created           string `json:"created"`
}

func renderMembership(r *room, p *person, id string) membershipJSON {
	return membershipJSON{ID: id, RoomID: r.id, PersonID: p.id, PersonEmail: p.email,
		PersonDisplayName: p.name, PersonOrgID: p.org, RoomType: r.kind, Created: iso(r.created)}
}

func (e *Emulator) membershipsList(c *call) (int, any) {
	roomID := c.r.URL.Query().Get("roomId")
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []membershipJSON
	for _, r := range e.st.rooms {
		if (roomID != "" && r.id != roomID) || !r.isMember(c.who.id) {
			continue
		}
		for pid, mid := range r.members {
			if p := e.st.people[pid]; p != nil && (roomID != "" || pid == c.who.id) {
				out = append(out, renderMembership(r, p, mid))
			}
		}
	}
	if roomID != "" && out == nil {
		return http.StatusNotFound, errNotFound
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return http.StatusOK, items(out)
}

func (e *Emulator) membershipsCreate(c *call) (int, any) {
	var req struct {
		RoomID      string `json:"roomId"`
		PersonID    string `json:"personId"`
		PersonEmail string `json:"personEmail"`
	}
	if st, body, ok := c.decode(&req); !ok {
		return st, body
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.st.rooms[req.RoomID]
	if r == nil || !r.isMember(c.who.id) {
		return http.StatusNotFound, errNotFound
	}
	p := e.st.people[req.PersonID]
	if p == nil && req.PersonEmail != "" {
		p = e.st.byEmail[strings.ToLower(req.PersonEmail)]
	}
	if p == nil {
		return http.StatusBadRequest, apiError("personId or personEmail must name an existing person.")
	}
	if r.isMember(p.id) {
		return http.StatusConflict, apiError("Person is already in the room.")
	}
	id, err := e.addMemberLocked(r.id, p.id)
	if err != nil {
		return http.StatusInternalServerError, apiError(err.Error())
	}
	return http.StatusOK, renderMembership(r, p, id)
}
