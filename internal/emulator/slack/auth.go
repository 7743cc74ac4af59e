package slack

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Token kinds as Slack names them in token prefixes.
const (
	tokenBot  = "bot"
	tokenUser = "user"
)

// token is an issued OAuth access token. A bot token acts as the bot user
// (userID) of an installation; a user token acts as a person.
type token struct {
	value  string
	kind   string
	team   string
	userID string
	botID  string
	appID  string
	scopes []string
	// revoked: auth.revoke or an admin removing the app; Slack then
	// answers every call with token_revoked.
	revoked bool
	// expires is set for rotating tokens; after it Slack answers
	// token_expired.
	expires time.Time
}

func (t *token) has(scope string) bool { return slices.Contains(t.scopes, scope) }

// bearer extracts the token from "Authorization: Bearer …"; Slack accepts
// the scheme case-insensitively.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(rest)
}

// missingScope is Slack's missing_scope answer, which names what was needed
// and what the token has.
func missingScope(t *token, needed string) resp {
	return resp{"ok": false, "error": "missing_scope", "needed": needed, "provided": strings.Join(t.scopes, ",")}
}

// apiAuthTest answers auth.test; for bot tokens Slack adds bot_id and
// app_id, which connectors use to recognise their own posts.
func apiAuthTest(c *call) resp {
	t := c.e.st.teams[c.tok.team]
	u := c.e.st.users[c.tok.userID]
	r := resp{
		"ok":                    true,
		"url":                   "https://" + t.domain + ".slack.com/",
		"team":                  t.name,
		"user":                  u.name,
		"team_id":               t.id,
		"user_id":               u.id,
		"is_enterprise_install": false,
	}
	if c.tok.kind == tokenBot {
		r["bot_id"] = c.tok.botID
		r["app_id"] = c.tok.appID
	}
	return r
}

// apiAuthRevoke revokes the calling token, as Slack's auth.revoke does.
func apiAuthRevoke(c *call) resp {
	if c.args["test"] == "true" || c.args["test"] == "1" {
		return resp{"ok": true, "revoked": false}
	}
	c.e.revokeLocked([]*token{c.tok})
	return resp{"ok": true, "revoked": true}
}

// Revoke revokes a token, as a workspace admin removing the app does.
func (e *Emulator) Revoke(tokenValue string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.st.tokens[tokenValue]; t != nil {
		e.revokeLocked([]*token{t})
	}
}
