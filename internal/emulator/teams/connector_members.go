package teams

import (
	"encoding/base64"
	"net/http"
	"strconv"
)

// teamsAccount renders a TeamsChannelAccount, as the roster calls return.
func teamsAccount(u *user, tenantID string) map[string]any {
	return map[string]any{
		"id": u.mri, "name": u.name, "aadObjectId": u.id,
		"givenName": u.given, "surname": u.surname, "email": u.email,
		"userPrincipalName": u.upn, "tenantId": tenantID, "userRole": "user",
	}
}

// rosterOf returns the people of a conversation; the caller holds e.mu and
// has answered the request itself when ok is false.
func (c *connCall) rosterOf(ref convRef) (members []*user, tenantID string, ok bool) {
	var ids []string
	if ref.channel != "" {
		ch, ok := c.resolveChannel(ref)
		if !ok {
			return nil, "", false
		}
		ids, tenantID = c.e.st.teams[ch.team].members, ch.tenant
	} else {
		ct, ok := c.resolveChat(ref)
		if !ok {
			return nil, "", false
		}
		ids, tenantID = ct.members, ct.tenant
	}
	for _, id := range ids {
		if u := c.e.st.users[id]; u != nil {
			members = append(members, u)
		}
	}
	return members, tenantID, true
}

// getMembers answers GET /v3/conversations/{conv}/members and
// …/activities/{act}/members.
func (e *Emulator) getMembers(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, readLimits) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	members, tid, ok := c.rosterOf(ref)
	if !ok {
		return
	}
	out := make([]any, 0, len(members))
	for _, u := range members {
		out = append(out, teamsAccount(u, tid))
	}
	c.reply(http.StatusOK, out)
}

// Paged rosters: Teams' default page is 200 members and its maximum 500
// (values below 50 are raised to 50 by the service).
const (
	defaultPageSize = 200
	minPageSize     = 50
	maxPageSize     = 500
)

// getPagedMembers answers GET /v3/conversations/{conv}/pagedmembers.
func (e *Emulator) getPagedMembers(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, readLimits) {
		return
	}
	q := c.r.URL.Query()
	size := defaultPageSize
	if s := q.Get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			c.fail(http.StatusBadRequest, "BadArgument", "pageSize must be a positive number.")
			return
		}
		size = min(max(n, minPageSize), maxPageSize)
	}
	offset := 0
	if tok := q.Get("continuationToken"); tok != "" {
		n, ok := decodeContinuation(tok)
		if !ok {
			c.fail(http.StatusBadRequest, "BadArgument", "Invalid continuation token.")
			return
		}
		offset = n
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	members, tid, ok := c.rosterOf(ref)
	if !ok {
		return
	}
	offset = min(offset, len(members))
	end := min(offset+size, len(members))
	page := make([]any, 0, end-offset)
	for _, u := range members[offset:end] {
		page = append(page, teamsAccount(u, tid))
	}
	res := map[string]any{"members": page}
	if end < len(members) {
		res["continuationToken"] = encodeContinuation(end)
	}
	c.reply(http.StatusOK, res)
}

func encodeContinuation(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeContinuation(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 3 || string(b[:2]) != "o:" {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	return n, err == nil && n >= 0
}

// getMember answers GET /v3/conversations/{conv}/members/{member}; the
// member may be named by "29:…" ID or by Entra object ID.
func (e *Emulator) getMember(c *connCall) {
	ref := parseConversationID(c.r.PathValue("conv"))
	if !c.gate(e.convTenant(ref), ref.channel+ref.chat, readLimits) {
		return
	}
	want := c.r.PathValue("member")
	e.mu.Lock()
	defer e.mu.Unlock()
	members, tid, ok := c.rosterOf(ref)
	if !ok {
		return
	}
	for _, u := range members {
		if u.mri == want || u.id == want {
			c.reply(http.StatusOK, teamsAccount(u, tid))
			return
		}
	}
	c.fail(http.StatusNotFound, "MemberNotFoundInConversation", "The member was not found in the conversation.")
}

// teamRef resolves {team} for the /v3/teams routes and checks the bot is
// installed there. The caller holds e.mu.
func (c *connCall) teamRef() (*team, bool) {
	t := c.e.teamByRef(c.r.PathValue("team"))
	if t == nil {
		c.fail(http.StatusNotFound, "NotFound", "Team not found.")
		return nil, false
	}
	if !t.hasBot(c.tok.appID) {
		c.fail(http.StatusForbidden, "BotNotInConversationRoster", "The bot is not part of the conversation roster.")
		return nil, false
	}
	return t, true
}

func (e *Emulator) teamTenant(id string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.teamByRef(id); t != nil {
		return t.tenant
	}
	return ""
}

// getTeamConversations answers GET /v3/teams/{team}/conversations. Like
// Teams it gives General no name.
func (e *Emulator) getTeamConversations(c *connCall) {
	id := c.r.PathValue("team")
	if !c.gate(e.teamTenant(id), "team:"+id, readLimits) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := c.teamRef()
	if !ok {
		return
	}
	convs := make([]any, 0, len(t.channels))
	for _, cid := range t.channels {
		ch := e.st.channels[cid]
		var name any = ch.name
		if ch.general {
			name = nil
		}
		convs = append(convs, map[string]any{"id": ch.id, "name": name})
	}
	c.reply(http.StatusOK, map[string]any{"conversations": convs})
}

// getTeam answers GET /v3/teams/{team} (TeamDetails).
func (e *Emulator) getTeam(c *connCall) {
	id := c.r.PathValue("team")
	if !c.gate(e.teamTenant(id), "team:"+id, readLimits) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := c.teamRef()
	if !ok {
		return
	}
	c.reply(http.StatusOK, map[string]any{
		"id": t.threadID, "name": t.name, "aadGroupId": t.id,
		"channelCount": len(t.channels), "memberCount": len(t.members),
	})
}
