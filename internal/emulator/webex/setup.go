package webex

import (
	"fmt"
	"strings"

	"parley/internal/emulator/ids"
)

// Org is an emulated Webex organisation (the workspace, in Parley's terms).
type Org struct {
	ID   string // base64 of ciscospark://us/ORGANIZATION/<uuid>
	Name string
}

// Person is an emulated user. Token is an integration (user) access token
// acting as them, with every messaging scope.
type Person struct {
	ID          string
	DisplayName string
	Email       string
	Token       string
}

// Bot is an emulated bot account; ID is its person ID.
type Bot struct {
	ID    string
	Name  string
	Email string // name@webex.bot
	Token string
}

// Room is an emulated group space.
type Room struct {
	ID    string
	Title string
}

// AddOrg creates an organisation.
func (e *Emulator) AddOrg(name string) Org {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := ids.UUID()
	o := &org{id: encodeID("ORGANIZATION", u), uuid: u, name: name}
	e.st.orgs[o.id] = o
	return Org{ID: o.id, Name: name}
}

// AddPerson creates a person in org with an integration token. It panics
// on an unknown org or a duplicate email: setup mistakes in a test.
func (e *Emulator) AddPerson(orgID, name, email string) Person {
	p := e.addPerson(orgID, name, email, false)
	return Person{ID: p.id, DisplayName: p.name, Email: p.email, Token: p.token}
}

// AddBot creates a bot in org, with email name@webex.bot and a bot token.
func (e *Emulator) AddBot(orgID, name string) Bot {
	handle := strings.ToLower(strings.Join(strings.Fields(name), "-"))
	p := e.addPerson(orgID, name, handle+"@webex.bot", true)
	return Bot{ID: p.id, Name: p.name, Email: p.email, Token: p.token}
}

func (e *Emulator) addPerson(orgID, name, email string, bot bool) *person {
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.st.orgs[orgID]
	if o == nil {
		panic(fmt.Sprintf("webexemu: unknown org %q", orgID))
	}
	key := strings.ToLower(email)
	if e.st.byEmail[key] != nil {
		panic(fmt.Sprintf("webexemu: email %q already exists", email))
	}
	p := &person{id: newID("PEOPLE"), org: orgID, name: name, email: email, token: newToken(o.uuid), bot: bot, created: e.now()}
	e.st.people[p.id] = p
	e.st.byEmail[key] = p
	e.st.byToken[p.token] = p
	return p
}

// AddRoom creates a group room in org with the given members (person IDs).
// It panics on unknown IDs.
func (e *Emulator) AddRoom(orgID, title string, members ...string) Room {
	e.mu.Lock()
	if e.st.orgs[orgID] == nil {
		e.mu.Unlock()
		panic(fmt.Sprintf("webexemu: unknown org %q", orgID))
	}
	now := e.now()
	r := &room{id: newID("ROOM"), org: orgID, title: title, kind: "group", members: map[string]string{}, created: now, lastActivity: now}
	if len(members) > 0 {
		r.creator = members[0]
	}
	e.st.rooms[r.id] = r
	e.mu.Unlock()
	for _, m := range members {
		if err := e.AddMember(r.id, m); err != nil {
			panic(err)
		}
	}
	return Room{ID: r.id, Title: title}
}

// AddMember adds a person or bot to a room, as if invited, and fires
// memberships "created" webhooks.
func (e *Emulator) AddMember(roomID, personID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err := e.addMemberLocked(roomID, personID)
	return err
}

func (e *Emulator) addMemberLocked(roomID, personID string) (string, error) {
	r := e.st.rooms[roomID]
	if r == nil {
		return "", fmt.Errorf("webexemu: unknown room %q", roomID)
	}
	p := e.st.people[personID]
	if p == nil {
		return "", fmt.Errorf("webexemu: unknown person %q", personID)
	}
	if id, ok := r.members[personID]; ok {
		return id, nil
	}
	id := newID("MEMBERSHIP")
	r.members[personID] = id
	e.fireMembership(r, p, id, "created")
	return id, nil
}
