package slack

import (
	"crypto/subtle"
	"strings"
	"time"
)

// codeLifetime is how long an authorization code can be exchanged; Slack
// documents codes as short-lived (10 minutes).
const codeLifetime = 10 * time.Minute

// oauthCode is what Slack's authorize page would hand the app's redirect
// URL after a person approved the install. The control API mints them.
type oauthCode struct {
	appID, team, user string
	expires           time.Time
}

// mintCode creates a code for app installed by user in team.
func (e *Emulator) mintCode(appID, teamID, userID string) (string, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.apps[appID] == nil {
		return "", "app_not_found"
	}
	if e.st.teams[teamID] == nil {
		return "", "team_not_found"
	}
	if u := e.st.users[userID]; u == nil || u.team != teamID {
		return "", "user_not_found"
	}
	code := randomDigits(13) + "." + randomDigits(13) + "." + randomHex(32)
	e.st.codes[code] = &oauthCode{appID: appID, team: teamID, user: userID, expires: e.now().Add(codeLifetime)}
	return code, ""
}

// apiOAuthV2Access exchanges a code for a bot token (wire-facts §1.9).
// Client credentials come as form fields or HTTP Basic auth. Token
// rotation is not emulated: tokens do not expire and no refresh_token is
// issued.
func apiOAuthV2Access(c *call) resp {
	clientID, clientSecret := c.args["client_id"], c.args["client_secret"]
	if id, secret, ok := c.r.BasicAuth(); ok {
		clientID, clientSecret = id, secret
	}
	if c.args["grant_type"] == "refresh_token" {
		return errResp("invalid_refresh_token")
	}
	var a *app
	for _, cand := range c.e.st.apps {
		if clientID != "" && cand.clientID == clientID {
			a = cand
		}
	}
	if a == nil {
		return errResp("invalid_client_id")
	}
	if subtle.ConstantTimeCompare([]byte(a.clientSecret), []byte(clientSecret)) != 1 {
		return errResp("bad_client_secret")
	}
	code := strings.TrimSpace(c.args["code"])
	oc := c.e.st.codes[code]
	if oc == nil || oc.appID != a.id || c.e.now().After(oc.expires) {
		return errResp("invalid_code")
	}
	delete(c.e.st.codes, code)
	in, err := c.e.installLocked(a.id, oc.team)
	if err != nil {
		return errResp("invalid_code")
	}
	t := c.e.st.teams[oc.team]
	return resp{
		"ok":                    true,
		"app_id":                a.id,
		"authed_user":           map[string]any{"id": oc.user},
		"scope":                 strings.Join(a.botScopes, ","),
		"token_type":            "bot",
		"access_token":          in.token,
		"bot_user_id":           in.botUserID,
		"team":                  map[string]any{"id": t.id, "name": t.name},
		"enterprise":            nil,
		"is_enterprise_install": false,
	}
}
