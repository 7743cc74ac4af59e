package slack

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

// idTokenLifetime is how long an ID token is valid.
const idTokenLifetime = time.Hour

// Sign in with Slack scopes.
var openIDScopes = []string{"openid", "profile", "email"}

// IssuerURL is the OpenID issuer of Sign in with Slack: the emulator's
// origin, standing for https://slack.com (the discovery document is at
// IssuerURL()+"/.well-known/openid-configuration").
func (e *Emulator) IssuerURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.base.URL()
}

// serveOpenIDConfiguration is slack.com's discovery document with the
// emulator's origin in place of https://slack.com.
func (e *Emulator) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	base := e.IssuerURL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/openid/connect/authorize",
		"token_endpoint":                        base + "/api/openid.connect.token",
		"userinfo_endpoint":                     base + "/api/openid.connect.userInfo",
		"jwks_uri":                              base + "/openid/connect/keys",
		"scopes_supported":                      openIDScopes,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "auth_time", "iss"},
		"claims_parameter_supported":            false,
		"request_parameter_supported":           false,
		"request_uri_parameter_supported":       true,
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
	})
}

func (e *Emulator) serveOpenIDKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.signer.JWKS())
}

// apiOpenIDConnectToken exchanges a Sign in with Slack code for a user
// token limited to the OpenID scopes and an ID token; rotating apps also
// get a refresh token. Errors use Slack's dialect: HTTP 200 with ok:false.
func apiOpenIDConnectToken(c *call) resp {
	a, errCode := c.clientApp()
	if errCode != "" {
		return errResp(errCode)
	}
	switch c.args["grant_type"] {
	case "", "authorization_code":
	case "refresh_token":
		return c.refresh(a, true)
	default:
		return errResp("invalid_grant_type")
	}
	g, err := c.e.codes.Redeem(strings.TrimSpace(c.args["code"]), a.clientID, c.args["redirect_uri"], c.args["code_verifier"])
	if err == nil && g.Data.flow != flowOpenID {
		err = idp.ErrCodeUnknown
	}
	if err != nil {
		return errResp(codeError(err))
	}
	scopes := slices.DeleteFunc(slices.Clone(g.Data.userScopes), func(s string) bool { return !slices.Contains(openIDScopes, s) })
	tok := c.e.issueLocked(a, tokenUser, g.Data.team, g.Account, scopes)
	now := c.e.base.Wall() // the relying party checks an ID token on its own clock
	claims := c.e.identityClaims(c.e.st.users[g.Account], scopes)
	claims["iss"], claims["aud"], claims["iat"], claims["exp"], claims["auth_time"] = c.e.base.URL(), a.clientID, now.Unix(), now.Add(idTokenLifetime).Unix(), g.AuthTime.Unix()
	claims["at_hash"], claims["jti"] = idp.AtHash(tok.value), ids.Hex(16)
	if g.Nonce != "" {
		claims["nonce"] = g.Nonce
	}
	out := resp{"ok": true, "access_token": tok.value, "token_type": "Bearer", "id_token": c.e.signer.Sign(claims)}
	c.e.addRotation(out, a, tok)
	return out
}

// apiOpenIDConnectUserInfo answers with the signed-in person's claims.
func apiOpenIDConnectUserInfo(c *call) resp {
	out := resp{"ok": true}
	for k, v := range c.e.identityClaims(c.e.st.users[c.tok.userID], c.tok.scopes) {
		out[k] = v
	}
	return out
}

// identityClaims are the claims Sign in with Slack returns for u: always
// the subject, user and team; email and profile per scope.
func (e *Emulator) identityClaims(u *user, scopes []string) jwt.MapClaims {
	t := e.st.teams[u.team]
	c := jwt.MapClaims{
		"sub":                           u.id,
		"https://slack.com/user_id":     u.id,
		"https://slack.com/team_id":     t.id,
		"https://slack.com/team_name":   t.name,
		"https://slack.com/team_domain": t.domain,
	}
	if slices.Contains(scopes, "email") && u.email != "" {
		c["email"], c["email_verified"], c["date_email_verified"] = u.email, true, u.updated
	}
	if slices.Contains(scopes, "profile") {
		given, family, _ := strings.Cut(u.realName, " ")
		c["name"], c["given_name"], c["family_name"], c["locale"] = u.realName, given, family, "en-US"
	}
	return c
}

// Approve answers a Slack authorize page — Sign in with Slack
// (/openid/connect/authorize) or an OAuth v2 install or user consent
// (/oauth/v2/authorize) — as the person whose email is given, through the
// same HTTP a browser uses: GET the page, press that person's button on
// the account chooser, and return the URL Slack redirects to (the app's
// redirect_uri with code and state). GET it with the same client to run
// the app's callback (idp.Follow). client must trust the emulator's TLS
// certificate.
func Approve(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, email)
}

// Decline presses Cancel on a Slack authorize page; the result is the
// redirect_uri with error=access_denied and the state.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}
