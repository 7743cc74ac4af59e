package teams

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"parley/internal/emulator"
	"parley/internal/emulator/ids"
)

// sessionRevokedLocked reports whether a delegated token from the sign-in
// flow was issued before its person's sessions were revoked. Graph then
// refuses it at once, as a resource enforcing continuous access
// evaluation does. The caller holds e.mu.
func (e *Emulator) sessionRevokedLocked(t *token) bool {
	at, ok := e.entra.revoked[t.userID]
	return ok && t.kind == tokenGraphUser && !t.issued.IsZero() && !t.issued.After(at)
}

// whyUnauthorized is Graph's message for a refused bearer token.
func (e *Emulator) whyUnauthorized(r *http.Request) string {
	v, ok := bearer(r)
	if !ok {
		return "Access token is empty."
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch t := e.st.tokens[v]; {
	case t == nil:
		return "Access token is empty or invalid."
	case e.sessionRevokedLocked(t):
		return "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"
	case !t.expires.IsZero() && e.now().After(t.expires):
		return "Lifetime validation failed, the token is expired."
	default:
		return "Access token is empty or invalid."
	}
}

// hasScope reports whether a delegated token carries a Graph permission.
func (t *token) hasScope(s string) bool {
	if t.scopes == nil {
		return slices.Contains(strings.Fields(delegatedScopes), s)
	}
	return slices.Contains(t.scopes, s)
}

// graphUserInfo is graph.microsoft.com/oidc/userinfo.
func (e *Emulator) graphUserInfo(g *graphCall) {
	if !g.isUser() {
		g.forbidden()
		return
	}
	e.mu.Lock()
	u := e.st.users[g.tok.userID]
	e.mu.Unlock()
	out := map[string]any{"sub": pairwiseSub(u.id, g.tok.appID), "name": u.name, "given_name": u.given, "family_name": u.surname,
		"picture": "https://graph.microsoft.com/v1.0/me/photo/$value"}
	if u.email != "" {
		out["email"] = u.email
	}
	g.reply(http.StatusOK, out)
}

// graphRevokeSessions is revokeSignInSessions: the person's refresh
// tokens, and the delegated tokens issued so far, stop working.
func (e *Emulator) graphRevokeSessions(g *graphCall) {
	target := g.tok.userID
	if id := g.r.PathValue("user"); id != "" {
		target = id
	}
	e.mu.Lock()
	u := e.st.users[target]
	if u == nil {
		for _, cand := range e.st.users {
			if strings.EqualFold(cand.upn, target) {
				u = cand
			}
		}
	}
	allowed := u != nil && u.tenant == g.tok.tenant && (u.id == g.tok.userID || g.tok.kind == tokenGraphApp)
	if allowed {
		e.entra.revoked[u.id] = e.now()
	}
	e.mu.Unlock()
	switch {
	case u == nil || u.tenant != g.tok.tenant:
		g.notFound("user")
	case !allowed:
		g.forbidden()
	default:
		g.reply(http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true})
	}
}

// RevokeSignInSessions revokes a person's refresh tokens and sign-in
// sessions, as an admin does in the Entra admin center.
func (e *Emulator) RevokeSignInSessions(userID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.entra.revoked[userID] = e.now()
}

// TeamsAppID is the ID of a bot's app in the tenant app catalog, what
// installedApps binds with teamsApp@odata.bind.
func (e *Emulator) TeamsAppID(botAppID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catalogLocked()
	for id, app := range e.entra.catalog {
		if app == botAppID {
			return id
		}
	}
	return ""
}

// catalogLocked gives every registered bot an entry in the app catalog
// (an org-published app whose manifest id, externalId, is the app ID).
func (e *Emulator) catalogLocked() {
	have := map[string]bool{}
	for _, app := range e.entra.catalog {
		have[app] = true
	}
	appIDs := make([]string, 0, len(e.st.bots))
	for id := range e.st.bots {
		appIDs = append(appIDs, id)
	}
	slices.Sort(appIDs)
	for _, id := range appIDs {
		if !have[id] {
			e.entra.catalog[e.unique(ids.UUID)] = id
		}
	}
}

func (e *Emulator) catalogEntry(id string) map[string]any {
	b := e.st.bots[e.entra.catalog[id]]
	return map[string]any{"id": id, "externalId": b.appID, "displayName": b.name, "distributionMethod": "organization"}
}

// graphCatalog is GET /appCatalogs/teamsApps with the $filter forms
// clients use: externalId eq '…', id eq '…', distributionMethod eq '…'.
func (e *Emulator) graphCatalog(g *graphCall) {
	field, value := "", ""
	if f := strings.TrimSpace(g.r.URL.Query().Get("$filter")); f != "" {
		name, rest, ok := strings.Cut(f, " eq ")
		v, quoted := strings.CutPrefix(strings.TrimSpace(rest), "'")
		v, closed := strings.CutSuffix(v, "'")
		if !ok || !quoted || !closed {
			g.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause")
			return
		}
		field, value = strings.TrimSpace(name), v
	}
	e.mu.Lock()
	e.catalogLocked()
	ids := make([]string, 0, len(e.entra.catalog))
	for id := range e.entra.catalog {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	value0 := []any{}
	for _, id := range ids {
		entry := e.catalogEntry(id)
		if field == "" || entry[field] == value {
			value0 = append(value0, entry)
		}
	}
	e.mu.Unlock()
	g.reply(http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#appCatalogs/teamsApps", "value": value0})
}

// graphInstallApp is POST /teams/{id}/installedApps: a team member with
// TeamsAppInstallation.ReadWriteForTeam adds a catalog app; its bot joins
// the team and gets conversationUpdate (membersAdded) and
// installationUpdate, as Teams sends them.
func (e *Emulator) graphInstallApp(g *graphCall) {
	if !g.isUser() || !g.tok.hasScope("TeamsAppInstallation.ReadWriteForTeam") {
		g.forbidden()
		return
	}
	body, ok := g.readBody()
	if !ok {
		return
	}
	var req map[string]json.RawMessage
	var bind string
	if json.Unmarshal(body, &req) != nil || json.Unmarshal(req["teamsApp@odata.bind"], &bind) != nil {
		g.fail(http.StatusBadRequest, "BadRequest", "Invalid request body: teamsApp@odata.bind is required.")
		return
	}
	_, appID, _ := strings.Cut(bind, "/appCatalogs/teamsApps/")
	e.mu.Lock()
	t, ok := g.teamAccess(g.r.PathValue("team"))
	if !ok {
		e.mu.Unlock()
		return
	}
	e.catalogLocked()
	botID := e.entra.catalog[appID]
	b := e.st.bots[botID]
	installed := b != nil && t.hasBot(botID)
	if b != nil && !installed {
		t.installs = append(t.installs, botID)
		e.emitInstall(b, t)
	}
	e.mu.Unlock()
	switch {
	case b == nil:
		g.fail(http.StatusNotFound, "NotFound", "The app "+emulator.Echo(appID)+" was not found in the app catalog.")
	case installed:
		g.fail(http.StatusConflict, "Conflict", "The app is already installed in this team.")
	default:
		g.reply(http.StatusOK, nil)
	}
}
