package webex

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

const (
	codeLifetime = 10 * time.Minute
	// Webex's integration tokens: about 14 days, refresh about 90 days.
	accessLifetime  = 14 * 24 * time.Hour
	refreshLifetime = 90 * 24 * time.Hour
	maxFormBody     = 16 << 10
)

// IntegrationSpec is a Webex integration as developer.webex.com registers
// it.
type IntegrationSpec struct {
	ClientID     string // default "C" + 64 hex digits
	ClientSecret string
	Name         string
	RedirectURIs []string
	// Scopes the integration may request ("spark:messages_write", …);
	// openid, email and profile are always allowed (Login with Webex).
	Scopes []string
}

// Integration is a registered integration.
type Integration struct {
	ClientID string
	Name     string
}

type accessGrant struct {
	person  *person
	expires time.Time
}

type refreshGrant struct {
	clientID string
	person   *person
	scopes   []string
	expires  time.Time
	access   []string
}

type oauthState struct {
	clients map[string]*IntegrationSpec
	access  map[string]*accessGrant
	refresh map[string]*refreshGrant
}

func newOAuthState() *oauthState {
	return &oauthState{clients: map[string]*IntegrationSpec{}, access: map[string]*accessGrant{}, refresh: map[string]*refreshGrant{}}
}

type webexRequest struct {
	idp.Request
	scopes []string
}

type webexGrant struct{ scopes []string }

var openIDScopes = []string{"openid", "email", "profile"}

// AddIntegration registers an integration.
func (e *Emulator) AddIntegration(spec IntegrationSpec) Integration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.ClientID == "" {
		spec.ClientID = "C" + strings.ReplaceAll(ids.UUID()+ids.UUID(), "-", "")
	}
	spec.RedirectURIs, spec.Scopes = slices.Clone(spec.RedirectURIs), slices.Clone(spec.Scopes)
	e.oauth.clients[spec.ClientID] = &spec
	return Integration{ClientID: spec.ClientID, Name: spec.Name}
}

// IssuerURL is the Login with Webex issuer, standing for
// https://idbroker.webex.com/idb (discovery at
// IssuerURL()+"/.well-known/openid-configuration").
func (e *Emulator) IssuerURL() string { return e.base.URL() + "/idb" }

func (e *Emulator) integrationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /idb/.well-known/openid-configuration", e.serveDiscovery)
	mux.HandleFunc("GET /idb/oauth2/v2/keys/verificationjwk", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.signer.JWKS())
	})
	mux.HandleFunc("GET /v1/authorize", e.serveAuthorize)
	mux.HandleFunc("POST /v1/authorize", e.serveAuthorizeAnswer)
	mux.HandleFunc("POST /v1/access_token", e.serveAccessToken)
	mux.Handle("GET /v1/userinfo", e.api("userinfo", e.userInfo))
	mux.Handle("DELETE /v1/authorizations", e.api("authorizations.delete", e.deleteAuthorizations))
}

func (e *Emulator) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	base := e.base.URL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base + "/idb",
		"authorization_endpoint":                base + "/v1/authorize",
		"token_endpoint":                        base + "/v1/access_token",
		"userinfo_endpoint":                     base + "/v1/userinfo",
		"jwks_uri":                              base + "/idb/oauth2/v2/keys/verificationjwk",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      openIDScopes,
		"code_challenge_methods_supported":      []string{"S256", "plain"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
	})
}

// serveAuthorize is webexapis.com/v1/authorize: sign in and grant the
// integration's scopes.
func (e *Emulator) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e.mu.Lock()
	c := e.oauth.clients[q.Get("client_id")]
	var spec IntegrationSpec
	if c != nil {
		spec = *c
	}
	e.mu.Unlock()
	if c == nil {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Invalid client", "The client_id does not name a Webex integration.")
		return
	}
	req := webexRequest{Request: idp.ReadRequest(q), scopes: idp.SplitScopes(q.Get("scope"))}
	if !slices.Contains(spec.RedirectURIs, req.Redirect) {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Invalid redirect_uri", "The redirect_uri is not one of the integration's Redirect URIs: "+req.Redirect)
		return
	}
	fail := func(code string) { req.Fail(w, r, code, nil) }
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type")
		return
	case len(req.scopes) == 0:
		fail("invalid_scope")
		return
	case !idp.ValidChallenge(req.Challenge, req.Method, "S256", "plain"):
		fail("invalid_request")
		return
	}
	for _, s := range req.scopes {
		if !slices.Contains(spec.Scopes, s) && !slices.Contains(openIDScopes, s) {
			fail("invalid_scope")
			return
		}
	}
	e.mu.Lock()
	var accounts []idp.Account
	for _, p := range e.st.people {
		if !p.bot && p.email != "" {
			accounts = append(accounts, idp.Account{ID: p.id, Email: p.email, Name: p.name})
		}
	}
	e.mu.Unlock()
	slices.SortFunc(accounts, func(a, b idp.Account) int { return strings.Compare(a.Email, b.Email) })
	idp.WriteChooser(w, idp.Chooser{Platform: "Webex", Title: spec.Name + " would like to access your Webex account",
		Intro: "It will be able to:", Scopes: req.scopes, Action: r.URL.Path, Request: e.pending.Put(req), Accounts: accounts, Deny: "Decline"})
}

func (e *Emulator) serveAuthorizeAnswer(w http.ResponseWriter, r *http.Request) {
	ans, ok := e.pending.TakeAnswer(w, r, maxFormBody, idp.AnswerPages{
		BadForm: idp.Page{Title: "Bad request", Detail: "The form could not be read."},
		Expired: idp.Page{Title: "This request has expired", Detail: "Go back to the app and start again."},
	})
	if !ok {
		return
	}
	req := ans.Request
	if ans.Denied {
		req.Fail(w, r, "access_denied", nil)
		return
	}
	e.mu.Lock()
	p := e.st.people[ans.Account]
	e.mu.Unlock()
	if p == nil || p.bot {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Unknown account", "Choose one of the accounts listed.")
		return
	}
	code := strings.ReplaceAll(ids.UUID()+ids.UUID(), "-", "")
	idp.Approve(w, r, e.codes, code, req.Request, p.id, e.base.Wall(), webexGrant{scopes: req.scopes}, nil)
}

// oauthError is the token endpoint's error answer.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc, "trackingId": trackingID()})
}

// serveAccessToken is webexapis.com/v1/access_token.
func (e *Emulator) serveAccessToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be read.")
		return
	}
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	e.mu.Lock()
	c := e.oauth.clients[clientID]
	e.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare([]byte(c.ClientSecret), []byte(secret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	var who *person
	var scopes []string
	var nonce string
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		e.mu.Lock()
		g := e.oauth.refresh[r.PostForm.Get("refresh_token")]
		e.mu.Unlock()
		if g == nil || g.clientID != clientID || !e.now().Before(g.expires) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, expired or revoked.")
			return
		}
		e.writeTokens(w, c, g.person, g.scopes, "", r.PostForm.Get("refresh_token"))
		return
	case "authorization_code":
		g, err := e.codes.Redeem(r.PostForm.Get("code"), clientID, r.PostForm.Get("redirect_uri"), r.PostForm.Get("code_verifier"))
		switch {
		case errors.Is(err, idp.ErrRedirectMismatch):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The redirect_uri does not match the authorization request's.")
			return
		case errors.Is(err, idp.ErrVerifierMissing), errors.Is(err, idp.ErrVerifierMismatch):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The code_verifier does not match the code_challenge.")
			return
		case err != nil:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used.")
			return
		}
		e.mu.Lock()
		who = e.st.people[g.Account]
		e.mu.Unlock()
		scopes, nonce = g.Data.scopes, g.Nonce
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")
		return
	}
	e.writeTokens(w, c, who, scopes, nonce, "")
}

// writeTokens answers with an access token acting as the person, a refresh
// token (a refresh keeps its refresh token), and an ID token with openid.
func (e *Emulator) writeTokens(w http.ResponseWriter, c *IntegrationSpec, p *person, scopes []string, nonce, refresh string) {
	now := e.now()
	e.mu.Lock()
	access := newToken(e.st.orgs[p.org].uuid)
	e.st.byToken[access] = p
	e.oauth.access[access] = &accessGrant{person: p, expires: now.Add(accessLifetime)}
	g := e.oauth.refresh[refresh]
	if g == nil {
		refresh = newToken(e.st.orgs[p.org].uuid)
		g = &refreshGrant{clientID: c.ClientID, person: p, scopes: scopes, expires: now.Add(refreshLifetime)}
		e.oauth.refresh[refresh] = g
	}
	g.access = append(g.access, access)
	out := map[string]any{
		"access_token": access, "expires_in": int(accessLifetime.Seconds()) - 1, "refresh_token": refresh,
		"refresh_token_expires_in": int(g.expires.Sub(now).Seconds()) - 1, "token_type": "Bearer", "scope": strings.Join(scopes, " "),
	}
	e.mu.Unlock()
	if slices.Contains(scopes, "openid") {
		_, uuid, _ := strings.Cut(decodeID(p.id), "/PEOPLE/")
		wall := e.base.Wall() // the relying party checks an ID token on its own clock
		claims := jwt.MapClaims{"iss": e.IssuerURL(), "aud": c.ClientID, "sub": uuid, "iat": wall.Unix(), "exp": wall.Add(12 * time.Hour).Unix(), "realm": e.orgUUID(p.org)}
		if nonce != "" {
			claims["nonce"] = nonce
		}
		if slices.Contains(scopes, "email") {
			claims["email"], claims["email_verified"] = p.email, true
		}
		if slices.Contains(scopes, "profile") {
			given, family, _ := strings.Cut(p.name, " ")
			claims["name"], claims["given_name"], claims["family_name"], claims["preferred_username"] = p.name, given, family, p.email
		}
		out["id_token"] = e.signer.Sign(claims)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) orgUUID(orgID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.orgs[orgID].uuid
}

func (e *Emulator) userInfo(c *call) (int, any) {
	_, uuid, _ := strings.Cut(decodeID(c.who.id), "/PEOPLE/")
	given, family, _ := strings.Cut(c.who.name, " ")
	return http.StatusOK, map[string]any{"sub": uuid, "email": c.who.email, "email_verified": true, "name": c.who.name,
		"given_name": given, "family_name": family, "preferred_username": c.who.email}
}

// deleteAuthorizations is DELETE /v1/authorizations?clientId=…: the person
// revokes an integration's access; its tokens stop working at once.
func (e *Emulator) deleteAuthorizations(c *call) (int, any) {
	clientID := c.r.URL.Query().Get("clientId")
	if clientID == "" {
		return http.StatusBadRequest, apiError("clientId is required.")
	}
	e.RevokeIntegration(c.who.email, clientID)
	return http.StatusNoContent, nil
}

// RevokeIntegration revokes every token a person granted an integration,
// as revoking it in the person's Webex settings does.
func (e *Emulator) RevokeIntegration(email, clientID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for rt, g := range e.oauth.refresh {
		if g.clientID == clientID && strings.EqualFold(g.person.email, email) {
			for _, a := range g.access {
				delete(e.st.byToken, a)
				delete(e.oauth.access, a)
			}
			delete(e.oauth.refresh, rt)
		}
	}
}

// Approve answers the Webex authorize page as the person with email and
// returns the redirect_uri Webex sends the browser to (code and state).
func Approve(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, email)
}

// Decline presses Decline; the result carries error=access_denied.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}

// decodeID returns the ciscospark:// URI an ID encodes ("" if it is not one).
func decodeID(id string) string {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil {
		return ""
	}
	return string(raw)
}
