package webex

import (
	"net/http"
	"strings"
)

// personJSON is a person as /v1/people shows them.
type personJSON struct {
	ID           string   `json:"id"`
	Emails       []string `json:"emails"`
	DisplayName  string   `json:"displayName"`
	NickName     string   `json:"nickName,omitempty"`
	OrgID        string   `json:"orgId"`
	Created      string   `json:"created"`
	Type         string   `json:"type"`
	Status       string   `json:"status,omitempty"`
	PhoneNumbers []any    `json:"phoneNumbers"`
}

func renderPerson(p *person) personJSON {
	kind := "person"
	if p.bot {
		kind = "bot"
	}
	return personJSON{
		ID: p.id, Emails: []string{p.email}, DisplayName: p.name, OrgID: p.org,
		Created: iso(p.created), Type: kind, Status: "unknown", PhoneNumbers: []any{},
	}
}

func (e *Emulator) peopleMe(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return http.StatusOK, renderPerson(c.who)
}

func (e *Emulator) peopleGet(c *call) (int, any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.st.people[c.r.PathValue("id")]
	if p == nil {
		return http.StatusNotFound, errNotFound
	}
	return http.StatusOK, renderPerson(p)
}

// peopleList serves ?email=, ?id= (comma-separated) and ?displayName=
// (prefix); Webex requires one of them for non-admins.
func (e *Emulator) peopleList(c *call) (int, any) {
	q := c.r.URL.Query()
	email, ids, name := q.Get("email"), q.Get("id"), q.Get("displayName")
	if email == "" && ids == "" && name == "" {
		return http.StatusBadRequest, apiError("Email, displayName, or id list should be specified.")
	}
	max, ok := maxParam(c.r)
	if !ok {
		return http.StatusBadRequest, apiError("max must be a positive integer.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []personJSON
	add := func(p *person) {
		if p != nil && (max == 0 || len(out) < max) {
			out = append(out, renderPerson(p))
		}
	}
	switch {
	case email != "":
		add(e.st.byEmail[strings.ToLower(email)])
	case ids != "":
		for _, id := range strings.Split(ids, ",") {
			add(e.st.people[strings.TrimSpace(id)])
		}
	default:
		for _, p := range e.sortedPeople() {
			if strings.HasPrefix(strings.ToLower(p.name), strings.ToLower(name)) {
				add(p)
			}
		}
	}
	return http.StatusOK, items(out)
}

// sortedPeople lists people by creation time, for reproducible answers.
func (e *Emulator) sortedPeople() []*person {
	out := make([]*person, 0, len(e.st.people))
	for _, p := range e.st.people {
		out = append(out, p)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].created.Before(out[j-1].created); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
