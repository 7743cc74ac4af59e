package slack

import (
	"crypto/subtle"
	"errors"
	"slices"
	"strings"
	"time"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

// codeLifetime is how long an authorization code can be exchanged; Slack
// documents codes as short-lived (10 minutes).
const codeLifetime = 10 * time.Minute

// rotatingLifetime is the life of a rotating access token: 12 hours.
const rotatingLifetime = 12 * time.Hour

// refreshGrant is a rotating app's refresh token: it mints a new access
// token of the same kind and scopes, and is then replaced.
type refreshGrant struct {
	appID, team, userID string
	kind                string // tokenBot or tokenUser
	scopes              []string
	access              string // the access token it last minted
}

func secretsEqual(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// mintCode creates a code for app installed by user in team, as the
// control API's shortcut past the authorize page.
func (e *Emulator) mintCode(appID, teamID, userID string) (string, string) {
	e.mu.Lock()
	a := e.st.apps[appID]
	switch {
	case a == nil:
		e.mu.Unlock()
		return "", "app_not_found"
	case e.st.teams[teamID] == nil:
		e.mu.Unlock()
		return "", "team_not_found"
	}
	if u := e.st.users[userID]; u == nil || u.team != teamID {
		e.mu.Unlock()
		return "", "user_not_found"
	}
	clientID := a.clientID
	e.mu.Unlock()
	code := ids.String(ids.Digits, 13) + "." + ids.String(ids.Digits, 13) + "." + ids.Hex(32)
	e.codes.Issue(code, idp.Grant[grantInfo]{ClientID: clientID, Account: userID, AuthTime: e.base.Wall(),
		Data: grantInfo{flow: flowInstall, appID: appID, team: teamID, minted: true}})
	return code, ""
}

// codeError maps a failed redemption onto Slack's error codes.
func codeError(err error) string {
	switch {
	case errors.Is(err, idp.ErrCodeUsed):
		return "code_already_used"
	case errors.Is(err, idp.ErrRedirectMismatch):
		return "bad_redirect_uri"
	case errors.Is(err, idp.ErrVerifierMissing), errors.Is(err, idp.ErrVerifierMismatch):
		return "invalid_code_verifier"
	default:
		return "invalid_code"
	}
}

// apiOAuthV2Access exchanges an install code for a bot token and, when
// user scopes were granted, a user token in authed_user; for rotating
// apps it also refreshes tokens (grant_type=refresh_token). Client
// credentials come as form fields or HTTP Basic auth.
func apiOAuthV2Access(c *call) resp {
	a, errCode := c.clientApp()
	if errCode != "" {
		return errResp(errCode)
	}
	switch c.args["grant_type"] {
	case "", "authorization_code":
	case "refresh_token":
		return c.refresh(a, false)
	default:
		return errResp("invalid_grant_type")
	}
	g, err := c.e.codes.Redeem(strings.TrimSpace(c.args["code"]), a.clientID, c.args["redirect_uri"], c.args["code_verifier"])
	if err == nil && g.Data.flow != flowInstall {
		err = idp.ErrCodeUnknown
	}
	if err != nil {
		return errResp(codeError(err))
	}
	info := g.Data
	botScopes := info.botScopes
	if info.minted {
		botScopes = a.botScopes
	}
	t := c.e.st.teams[info.team]
	out := resp{
		"ok": true, "app_id": a.id, "authed_user": map[string]any{"id": g.Account},
		"team": map[string]any{"id": t.id, "name": t.name}, "enterprise": nil, "is_enterprise_install": false,
	}
	if len(botScopes) > 0 {
		in, err := c.e.installLocked(a.id, info.team)
		if err != nil {
			return errResp("invalid_code")
		}
		tok := c.e.st.tokens[in.token]
		for _, s := range botScopes {
			if !tok.has(s) {
				tok.scopes = append(tok.scopes, s)
			}
		}
		if a.rotation {
			tok = c.e.issueLocked(a, tokenBot, info.team, in.botUserID, tok.scopes)
			in.token = tok.value
		}
		out["scope"], out["token_type"], out["access_token"], out["bot_user_id"] = strings.Join(tok.scopes, ","), "bot", tok.value, in.botUserID
		c.e.addRotation(out, a, tok)
	}
	if len(info.userScopes) > 0 {
		tok := c.e.issueLocked(a, tokenUser, info.team, g.Account, info.userScopes)
		authed := resp{"id": g.Account, "scope": strings.Join(tok.scopes, ","), "access_token": tok.value, "token_type": "user"}
		c.e.addRotation(authed, a, tok)
		out["authed_user"] = authed
	}
	return out
}

// issueLocked creates an access token the app obtained through OAuth:
// rotating (xoxe.…, 12 h, with a refresh grant) if the app opted in.
func (e *Emulator) issueLocked(a *app, kind, team, userID string, scopes []string) *token {
	prefix := "xoxp-"
	if kind == tokenBot {
		prefix = "xoxb-"
	}
	tok := &token{kind: kind, team: team, userID: userID, appID: a.id, scopes: slices.Clone(scopes)}
	if u := e.st.users[userID]; u != nil && u.isBot {
		tok.botID = u.botID
	}
	tok.value = prefix + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Digits, 13) + "-" + ids.String(ids.Alnum, 24)
	if a.rotation {
		tok.value = "xoxe." + prefix + "1-" + ids.String(ids.Alnum, 140)
		tok.expires = e.now().Add(rotatingLifetime)
	}
	e.st.tokens[tok.value] = tok
	return tok
}

// addRotation adds refresh_token and expires_in to a token answer for a
// rotating app, creating the refresh grant.
func (e *Emulator) addRotation(out resp, a *app, tok *token) {
	if !a.rotation {
		return
	}
	rt := "xoxe-1-" + ids.String(ids.Alnum, 140)
	e.st.refresh[rt] = &refreshGrant{appID: a.id, team: tok.team, userID: tok.userID, kind: tok.kind, scopes: tok.scopes, access: tok.value}
	out["refresh_token"] = rt
	out["expires_in"] = int(tok.expires.Sub(e.now()).Seconds())
}

// refresh answers grant_type=refresh_token: a new access token and a new
// refresh token; the old refresh token stops working. oidc marks
// openid.connect.token's dialect.
func (c *call) refresh(a *app, oidc bool) resp {
	rt := c.args["refresh_token"]
	g := c.e.st.refresh[rt]
	if g == nil || g.appID != a.id || !a.rotation {
		return errResp("invalid_refresh_token")
	}
	delete(c.e.st.refresh, rt)
	tok := c.e.issueLocked(a, g.kind, g.team, g.userID, g.scopes)
	if g.kind == tokenBot {
		if in := c.e.st.teams[g.team].installs[a.id]; in != nil {
			in.token = tok.value
		}
	}
	out := resp{"ok": true, "access_token": tok.value}
	if oidc {
		out["token_type"] = "Bearer"
	} else {
		t := c.e.st.teams[g.team]
		out["app_id"], out["scope"], out["token_type"] = a.id, strings.Join(tok.scopes, ","), g.kind
		out["team"], out["enterprise"], out["is_enterprise_install"] = map[string]any{"id": t.id, "name": t.name}, nil, false
		if g.kind == tokenBot {
			out["bot_user_id"], out["authed_user"] = g.userID, map[string]any{}
		} else {
			out["authed_user"] = map[string]any{"id": g.userID}
		}
	}
	c.e.addRotation(out, a, tok)
	return out
}
