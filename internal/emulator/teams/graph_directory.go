package teams

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"parley/internal/emulator"
)

// graphUser renders a Graph user with the default $select properties.
func graphUser(u *user) map[string]any {
	var given, surname any
	if u.given != "" {
		given = u.given
	}
	if u.surname != "" {
		surname = u.surname
	}
	var mail any
	if u.email != "" {
		mail = u.email
	}
	return map[string]any{
		"id": u.id, "displayName": u.name, "givenName": given, "surname": surname,
		"mail": mail, "userPrincipalName": u.upn, "businessPhones": []string{},
		"jobTitle": nil, "mobilePhone": nil, "officeLocation": nil, "preferredLanguage": "en-US",
	}
}

// graphMe answers GET /me; app tokens have no signed-in user.
func (e *Emulator) graphMe(g *graphCall) {
	if !g.isUser() {
		g.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g.reply(http.StatusOK, graphUser(e.st.users[g.tok.userID]))
}

func (e *Emulator) graphJoinedTeams(g *graphCall) {
	if !g.isUser() {
		g.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []any{}
	for _, tid := range e.st.tenants[g.tok.tenant].teams {
		if t := e.st.teams[tid]; t.isMember(g.tok.userID) {
			out = append(out, graphTeam(t))
		}
	}
	g.reply(http.StatusOK, map[string]any{"@odata.context": e.base.URL() + "/v1.0/$metadata#teams", "value": out})
}

// filterEq matches the $filter forms lookups use:
// "mail eq 'a@b.c'", "userPrincipalName eq '…'", "id eq '…'".
var filterEq = regexp.MustCompile(`^\s*(mail|userPrincipalName|id|displayName)\s+eq\s+'((?:[^']|'')*)'\s*$`)

// graphListUsers answers GET /users with an optional simple $filter.
// Graph compares mail and UPN case-insensitively.
func (e *Emulator) graphListUsers(g *graphCall) {
	var field, value string
	if f := g.r.URL.Query().Get("$filter"); f != "" {
		m := filterEq.FindStringSubmatch(f)
		if m == nil {
			g.fail(http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified.")
			return
		}
		field, value = m[1], strings.ReplaceAll(m[2], "''", "'")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []any{}
	for _, id := range e.st.tenants[g.tok.tenant].users {
		u := e.st.users[id]
		if field != "" && !userMatches(u, field, value) {
			continue
		}
		out = append(out, graphUser(u))
	}
	g.reply(http.StatusOK, map[string]any{"@odata.context": e.base.URL() + "/v1.0/$metadata#users", "value": out})
}

func userMatches(u *user, field, value string) bool {
	switch field {
	case "mail":
		return u.email != "" && strings.EqualFold(u.email, value)
	case "userPrincipalName":
		return strings.EqualFold(u.upn, value)
	case "id":
		return u.id == value
	default:
		return u.name == value
	}
}

// graphGetUser answers GET /users/{id | userPrincipalName}.
func (e *Emulator) graphGetUser(g *graphCall) {
	key := g.r.PathValue("user")
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.users[key]
	if u == nil {
		for _, id := range e.st.tenants[g.tok.tenant].users {
			if c := e.st.users[id]; strings.EqualFold(c.upn, key) {
				u = c
				break
			}
		}
	}
	if u == nil || u.tenant != g.tok.tenant {
		g.fail(http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+emulator.Echo(key)+"' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	g.reply(http.StatusOK, graphUser(u))
}

func graphTeam(t *team) map[string]any {
	return map[string]any{
		"id": t.id, "displayName": t.name, "description": nil, "isArchived": false,
		"internalId": t.threadID, "tenantId": t.tenant, "visibility": "private",
	}
}

// graphListTeams is GET /teams: every team of the tenant, for an app
// token (Team.ReadBasic.All), as Graph v1.0 lists them. People use
// me/joinedTeams instead.
func (e *Emulator) graphListTeams(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if g.isUser() {
		g.forbidden()
		return
	}
	ids := make([]string, 0, len(e.st.teams))
	for id, t := range e.st.teams {
		if t.tenant == g.tok.tenant {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := []any{}
	for _, id := range ids {
		out = append(out, graphTeam(e.st.teams[id]))
	}
	g.reply(http.StatusOK, map[string]any{"@odata.context": e.base.URL() + "/v1.0/$metadata#teams", "value": out})
}

func (e *Emulator) graphGetTeam(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := g.teamAccess(g.r.PathValue("team"))
	if !ok {
		return
	}
	g.reply(http.StatusOK, graphTeam(t))
}

func (e *Emulator) graphChannel(ch *channel) map[string]any {
	t := e.st.teams[ch.team]
	return map[string]any{
		"id": ch.id, "displayName": ch.name, "description": nil, "email": "",
		"createdDateTime": ch.created.UTC().Format(graphTime), "membershipType": "standard",
		"tenantId": ch.tenant, "isFavoriteByDefault": ch.general,
		"webUrl": "https://teams.microsoft.com/l/channel/" + ch.id + "/" + ch.name + "?groupId=" + t.id + "&tenantId=" + ch.tenant,
	}
}

func (e *Emulator) graphListChannels(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := g.teamAccess(g.r.PathValue("team"))
	if !ok {
		return
	}
	out := []any{}
	for _, cid := range t.channels {
		out = append(out, e.graphChannel(e.st.channels[cid]))
	}
	g.reply(http.StatusOK, map[string]any{"@odata.context": e.base.URL() + "/v1.0/$metadata#teams('" + t.id + "')/channels", "value": out})
}

func (e *Emulator) graphGetChannel(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ch, ok := g.channelAccess()
	if !ok {
		return
	}
	g.reply(http.StatusOK, e.graphChannel(ch))
}
