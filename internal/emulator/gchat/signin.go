package gchat

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

const (
	// codeLifetime: Google's authorization codes are short-lived.
	codeLifetime = 10 * time.Minute
	// userTokenLifetime is an access token's life (expires_in 3599).
	userTokenLifetime = time.Hour
)

// OAuthClientSpec is an OAuth client ID of type "Web application" in the
// Google Cloud console.
type OAuthClientSpec struct {
	ClientID     string // default "<digits>-<random>.apps.googleusercontent.com"
	ClientSecret string
	Name         string // the app name on the consent screen
	RedirectURIs []string
}

// OAuthClient is a registered OAuth client.
type OAuthClient struct {
	ClientID string
	Name     string
}

type refreshGrant struct {
	clientID string
	user     *user
	scopes   []string
	access   []string // access tokens minted from it, revoked with it
}

type oauthState struct {
	clients map[string]*OAuthClientSpec
	refresh map[string]*refreshGrant
	// dwd: domain → service-account client ID → scopes the domain's
	// admin authorized for domain-wide delegation.
	dwd map[string]map[string][]string
}

func newOAuthState() *oauthState {
	return &oauthState{clients: map[string]*OAuthClientSpec{}, refresh: map[string]*refreshGrant{}, dwd: map[string]map[string][]string{}}
}

type googleRequest struct {
	idp.Request
	hd      string // the hd parameter: only that domain's people may answer
	scopes  []string
	offline bool
}

type googleGrant struct {
	scopes  []string
	offline bool
}

// RegisterOAuthClient adds an OAuth client for sign-in and user consent.
func (e *Emulator) RegisterOAuthClient(spec OAuthClientSpec) OAuthClient {
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.ClientID == "" {
		spec.ClientID = ids.String(ids.Digits, 12) + "-" + strings.ToLower(ids.String(ids.Alnum, 32)) + ".apps.googleusercontent.com"
	}
	spec.RedirectURIs = slices.Clone(spec.RedirectURIs)
	e.oauth.clients[spec.ClientID] = &spec
	return OAuthClient{ClientID: spec.ClientID, Name: spec.Name}
}

// AuthorizeDomainWideDelegation is what a Workspace admin does under
// Security › API controls: the service account of app may then act as
// any person of domain for these scopes (full URLs).
func (e *Emulator) AuthorizeDomainWideDelegation(domain string, a App, scopes []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sa := e.st.apps[a.ServiceAccountEmail]
	if sa == nil {
		return
	}
	if e.oauth.dwd[domain] == nil {
		e.oauth.dwd[domain] = map[string][]string{}
	}
	e.oauth.dwd[domain][sa.saUniqueID] = slices.Clone(scopes)
}

// delegate resolves a JWT-bearer sub for domain-wide delegation.
func (e *Emulator) delegate(a *app, sub string, scopes []string) (*user, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.st.usersByEmail[strings.ToLower(sub)]
	const unauthorized = "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."
	if u == nil {
		return nil, unauthorized
	}
	allowed := e.oauth.dwd[u.domain][a.saUniqueID]
	for _, s := range scopes {
		if !slices.Contains(allowed, s) {
			return nil, unauthorized
		}
	}
	return u, ""
}

// IssuerURL is the OpenID issuer, standing for https://accounts.google.com
// (discovery at IssuerURL()+"/.well-known/openid-configuration"). Pub/Sub
// push tokens keep the real issuer string.
func (e *Emulator) IssuerURL() string { return e.base.URL() }

func (e *Emulator) signinRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", e.serveDiscovery)
	mux.HandleFunc("GET /o/oauth2/v2/auth", e.serveConsent)
	mux.HandleFunc("POST /o/oauth2/v2/auth", e.serveConsentAnswer)
	mux.HandleFunc("POST /revoke", e.serveRevoke)
	mux.HandleFunc("GET /v1/userinfo", e.serveUserInfo)
}

func (e *Emulator) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	base := e.base.URL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/o/oauth2/v2/auth",
		"token_endpoint":                        base + "/token",
		"userinfo_endpoint":                     base + "/v1/userinfo",
		"revocation_endpoint":                   base + "/revoke",
		"jwks_uri":                              base + "/oauth2/v3/certs",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"claims_supported":                      []string{"aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss", "name", "picture", "sub"},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", jwtBearerGrant},
	})
}

// googleScope expands Google's short scope names.
func googleScope(s string) string {
	switch s {
	case "email", "profile":
		return scopePrefix + "userinfo." + s
	}
	return s
}

// serveConsent is accounts.google.com/o/oauth2/v2/auth: account chooser
// and consent screen. Unknown clients and unregistered redirect URIs get
// Google's "Error 400/401" page, not a redirect.
func (e *Emulator) serveConsent(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e.mu.Lock()
	c := e.oauth.clients[q.Get("client_id")]
	var spec OAuthClientSpec
	if c != nil {
		spec = *c
	}
	e.mu.Unlock()
	if c == nil {
		idp.WriteErrorPage(w, http.StatusUnauthorized, "Error 401: invalid_client", "The OAuth client was not found.")
		return
	}
	req := googleRequest{Request: idp.ReadRequest(q), hd: q.Get("hd"), offline: q.Get("access_type") == "offline"}
	if !slices.Contains(spec.RedirectURIs, req.Redirect) {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Error 400: redirect_uri_mismatch",
			"You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. Request details: redirect_uri="+emulator.Echo(req.Redirect))
		return
	}
	fail := func(code string) { req.Fail(w, r, code, nil) }
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type")
		return
	}
	for _, s := range idp.SplitScopes(q.Get("scope")) {
		s = googleScope(s)
		if s != "openid" && !strings.HasPrefix(s, scopePrefix) {
			fail("invalid_scope")
			return
		}
		req.scopes = append(req.scopes, s)
	}
	if len(req.scopes) == 0 {
		fail("invalid_request")
		return
	}
	if !idp.ValidChallenge(req.Challenge, req.Method, "S256", "plain") {
		fail("invalid_request")
		return
	}
	e.mu.Lock()
	var accounts []idp.Account
	names := make([]string, 0, len(e.st.users))
	for name := range e.st.users {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, n := range names {
		if u := e.st.users[n]; req.hd == "" || req.hd == "*" || u.domain == req.hd {
			accounts = append(accounts, idp.Account{ID: u.name, Email: u.email, Name: u.displayName})
		}
	}
	e.mu.Unlock()
	idp.WriteChooser(w, idp.Chooser{Platform: "Google", Title: "Choose an account to continue to " + spec.Name,
		Intro: spec.Name + " wants to access your Google Account:", Scopes: req.scopes, Action: r.URL.Path,
		Request: e.pending.Put(req), Accounts: accounts, Deny: "Cancel"})
}

func (e *Emulator) serveConsentAnswer(w http.ResponseWriter, r *http.Request) {
	const title = "Error 400: invalid_request"
	ans, ok := e.pending.TakeAnswer(w, r, maxTokenBody, idp.AnswerPages{
		BadForm: idp.Page{Title: title, Detail: "The form could not be read."},
		Expired: idp.Page{Title: title, Detail: "This sign-in request has expired. Go back to the app and start again."},
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
	u := e.st.users[ans.Account]
	e.mu.Unlock()
	if u == nil || (req.hd != "" && req.hd != "*" && u.domain != req.hd) {
		idp.WriteErrorPage(w, http.StatusBadRequest, "Error 400: invalid_request", "Choose one of the accounts listed.")
		return
	}
	code := "4/0A" + ids.String(ids.URLSafe, 70)
	idp.Approve(w, r, e.codes, code, req.Request, u.name, e.wall(), googleGrant{scopes: req.scopes, offline: req.offline},
		url.Values{"scope": {strings.Join(req.scopes, " ")}})
}

// serveUserToken answers the authorization_code and refresh_token grants
// of oauth2.googleapis.com/token.
func (e *Emulator) serveUserToken(w http.ResponseWriter, r *http.Request) {
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	e.mu.Lock()
	c := e.oauth.clients[clientID]
	e.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare([]byte(c.ClientSecret), []byte(secret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Unauthorized"})
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		e.mu.Lock()
		g := e.oauth.refresh[r.PostForm.Get("refresh_token")]
		e.mu.Unlock()
		if g == nil || g.clientID != clientID {
			tokenError(w, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		e.writeUserTokens(w, c, g.user, g.scopes, "", g)
		return
	}
	code := r.PostForm.Get("code")
	gr, err := e.codes.Redeem(code, clientID, r.PostForm.Get("redirect_uri"), r.PostForm.Get("code_verifier"))
	switch {
	case errors.Is(err, idp.ErrRedirectMismatch):
		tokenError(w, "redirect_uri_mismatch", "Bad Request")
		return
	case errors.Is(err, idp.ErrVerifierMissing):
		tokenError(w, "invalid_grant", "Missing code verifier.")
		return
	case errors.Is(err, idp.ErrVerifierMismatch):
		tokenError(w, "invalid_grant", "Invalid code verifier.")
		return
	case errors.Is(err, idp.ErrCodeUnknown) && !strings.HasPrefix(code, "4/"):
		tokenError(w, "invalid_grant", "Malformed auth code.")
		return
	case err != nil:
		tokenError(w, "invalid_grant", "Bad Request")
		return
	}
	e.mu.Lock()
	u := e.st.users[gr.Account]
	var g *refreshGrant
	if gr.Data.offline {
		g = &refreshGrant{clientID: clientID, user: u, scopes: gr.Data.scopes}
	}
	e.mu.Unlock()
	e.writeUserTokens(w, c, u, gr.Data.scopes, gr.Nonce, g)
}

// writeUserTokens answers with an access token for the Chat scopes, an ID
// token with openid, and (first consent with access_type=offline) a
// refresh token.
func (e *Emulator) writeUserTokens(w http.ResponseWriter, c *OAuthClientSpec, u *user, scopes []string, nonce string, g *refreshGrant) {
	now := e.now()
	access := "ya29.a0" + ids.String(ids.URLSafe, 120)
	p := &principal{user: u, scopes: map[string]bool{}, expires: now.Add(userTokenLifetime)}
	for _, s := range scopes {
		p.scopes[s] = true
	}
	out := map[string]any{"access_token": access, "expires_in": int(userTokenLifetime/time.Second) - 1,
		"scope": strings.Join(scopes, " "), "token_type": "Bearer"}
	e.mu.Lock()
	e.st.tokens[access] = p
	if g != nil {
		if len(g.access) == 0 { // a new grant: hand out its refresh token once
			rt := "1//0" + ids.String(ids.URLSafe, 100)
			e.oauth.refresh[rt] = g
			out["refresh_token"] = rt
		}
		g.access = append(g.access, access)
	}
	e.mu.Unlock()
	if slices.Contains(scopes, "openid") {
		// The relying party checks an ID token on its own clock.
		wall := e.wall()
		claims := jwt.MapClaims{"iss": e.base.URL(), "azp": c.ClientID, "aud": c.ClientID, "sub": strings.TrimPrefix(u.name, "users/"),
			"iat": wall.Unix(), "exp": wall.Add(time.Hour).Unix(), "at_hash": idp.AtHash(access)}
		if nonce != "" {
			claims["nonce"] = nonce
		}
		if strings.Contains(u.domain, ".") {
			claims["hd"] = u.domain
		}
		if slices.Contains(scopes, scopePrefix+"userinfo.email") {
			claims["email"], claims["email_verified"] = u.email, true
		}
		if slices.Contains(scopes, scopePrefix+"userinfo.profile") {
			given, family, _ := strings.Cut(u.displayName, " ")
			claims["name"], claims["given_name"], claims["family_name"] = u.displayName, given, family
		}
		out["id_token"] = e.oidcKey.sign(claims)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// serveRevoke is oauth2.googleapis.com/revoke: revoking a refresh token
// revokes the grant and every access token minted from it; revoking an
// access token ends it (and its grant, as Google does).
func (e *Emulator) serveRevoke(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	_ = r.ParseForm()
	tok := r.Form.Get("token")
	e.mu.Lock()
	defer e.mu.Unlock()
	found := false
	for rt, g := range e.oauth.refresh {
		if rt == tok || slices.Contains(g.access, tok) {
			for _, a := range g.access {
				delete(e.st.tokens, a)
			}
			delete(e.oauth.refresh, rt)
			found = true
		}
	}
	if p := e.st.tokens[tok]; p != nil && !p.isApp() {
		delete(e.st.tokens, tok)
		found = true
	}
	if !found {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_token", "error_description": "Token expired or revoked"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// serveUserInfo is openidconnect.googleapis.com/v1/userinfo.
func (e *Emulator) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	p := e.authenticate(r)
	if p == nil || p.user == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request", "error_description": "Invalid Credentials"})
		return
	}
	u := p.user
	out := map[string]any{"sub": strings.TrimPrefix(u.name, "users/")}
	if p.scopes[scopePrefix+"userinfo.email"] {
		out["email"], out["email_verified"] = u.email, true
	}
	if p.scopes[scopePrefix+"userinfo.profile"] {
		given, family, _ := strings.Cut(u.displayName, " ")
		out["name"], out["given_name"], out["family_name"] = u.displayName, given, family
	}
	if strings.Contains(u.domain, ".") {
		out["hd"] = u.domain
	}
	writeJSON(w, http.StatusOK, out)
}

// Approve answers a Google consent page (/o/oauth2/v2/auth) as the
// person with email, through the HTTP a browser uses, and returns the URL
// Google redirects to (the redirect_uri with code and state). GET it with
// the same client to run the app's callback (idp.Follow).
func Approve(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, email)
}

// Decline presses Cancel; the result carries error=access_denied.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}
