package teams

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
)

// Authorities that are not one tenant.
const (
	tenantCommon        = "common"
	tenantOrganizations = "organizations"
)

const (
	// codeLifetime: Entra's authorization codes live about 10 minutes.
	codeLifetime = 10 * time.Minute
	// refreshLifetime: refresh tokens expire after 90 days unused.
	refreshLifetime = 90 * 24 * time.Hour
	// delegatedLifetime: delegated access tokens live 60–90 minutes on
	// Entra; the emulator uses the lower bound.
	delegatedLifetime = time.Hour
	graphResource     = "https://graph.microsoft.com/"
)

// oidcScopes are the OpenID Connect scopes; they do not go into Graph
// access tokens.
var oidcScopes = []string{"openid", "profile", "email", "offline_access"}

// graphDelegated are the Graph delegated permissions an app may request.
var graphDelegated = append(strings.Fields(delegatedScopes),
	"Chat.Create", "Chat.ReadWrite", "ChatMessage.Send", "ChatMessage.Read", "TeamsAppInstallation.ReadWriteForTeam",
	"User.Read.All", "Team.ReadBasic.All")

// AppSpec is an Entra ID app registration: what sign-in, delegated Graph
// access and admin consent are requested for. A bot's app ID may be
// registered too (same ClientID), so its admin can consent to it.
type AppSpec struct {
	ClientID     string // GUID; generated when empty
	ClientSecret string
	Name         string
	// HomeTenant is the tenant the app is registered in.
	HomeTenant string
	// MultiTenant is signInAudience AzureADMultipleOrgs: people of other
	// tenants may sign in (through /common or /organizations or their
	// own tenant) once consented, and app-only Graph tokens for another
	// tenant need that tenant's admin consent.
	MultiTenant  bool
	RedirectURIs []string
}

// App is a registered app.
type App struct {
	ClientID string
	Name     string
}

type appReg struct {
	spec AppSpec
}

type refreshToken struct {
	appID, userID, tenant string
	scopes                []string // granted, as requested (OIDC and Graph short names)
	issued, lastUsed      time.Time
}

// entraState is the sign-in side's state, guarded by Emulator.mu.
type entraState struct {
	apps     map[string]*appReg
	refresh  map[string]*refreshToken
	consents map[string]bool      // tenant + " " + app ID: admin consented
	revoked  map[string]time.Time // user ID → revokeSignInSessions time
	catalog  map[string]string    // teamsApp ID → bot app ID
}

func newEntraState() *entraState {
	return &entraState{apps: map[string]*appReg{}, refresh: map[string]*refreshToken{},
		consents: map[string]bool{}, revoked: map[string]time.Time{}, catalog: map[string]string{}}
}

// entraRequest is an authorize or admin-consent request awaiting the
// person's choice.
type entraRequest struct {
	idp.Request  // ClientID is the app ID
	adminConsent bool
	v2           bool // admin consent through /v2.0/adminconsent: scope is echoed
	appID        string
	authority    string // path tenant as given
	tenant       string // resolved tenant ID, "" for common/organizations
	scopes       []string
}

// entraGrant is what a code stands for.
type entraGrant struct {
	tenant    string
	authority string
	scopes    []string
}

// RegisterApp adds or replaces an app registration.
func (e *Emulator) RegisterApp(spec AppSpec) App {
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.ClientID == "" {
		spec.ClientID = e.unique(ids.UUID)
	}
	spec.RedirectURIs = slices.Clone(spec.RedirectURIs)
	e.entra.apps[spec.ClientID] = &appReg{spec: spec}
	return App{ClientID: spec.ClientID, Name: spec.Name}
}

// IssuerURL is the v2.0 issuer of tenantID's ID tokens, standing for
// https://login.microsoftonline.com/{tenantID}/v2.0; its discovery
// document is IssuerURL(tenantID)+"/.well-known/openid-configuration".
// For "common" and "organizations" the discovery document's issuer has
// the literal placeholder {tenantid}, as Entra's has.
func (e *Emulator) IssuerURL(tenantID string) string { return e.base.URL() + "/" + tenantID + "/v2.0" }

// consentedLocked reports whether app-only Graph tokens may be issued to
// appID in tenant: always for bots without a registration, for an app's
// home tenant, and for other tenants after admin consent.
func (e *Emulator) consentedLocked(appID, tenant string) bool {
	reg := e.entra.apps[appID]
	if reg == nil || !reg.spec.MultiTenant || reg.spec.HomeTenant == "" || reg.spec.HomeTenant == tenant {
		return true
	}
	return e.entra.consents[tenant+" "+appID]
}

// singleTenantElsewhereLocked reports whether appID is registered as a
// single-tenant app (AzureADMyOrg) and authority is not its home tenant:
// Entra issues such an app client-credentials tokens only there. Bots
// without a registration are not held to it.
func (e *Emulator) singleTenantElsewhereLocked(appID, authority string) bool {
	reg := e.entra.apps[appID]
	if reg == nil || reg.spec.MultiTenant || reg.spec.HomeTenant == "" {
		return false
	}
	return e.resolveTenantLocked(authority) != reg.spec.HomeTenant
}

// resolveTenant maps a path tenant (GUID or domain) to a tenant ID.
func (e *Emulator) resolveTenant(authority string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.resolveTenantLocked(authority)
}

func (e *Emulator) resolveTenantLocked(authority string) string {
	if e.st.tenants[authority] != nil {
		return authority
	}
	for id, t := range e.st.tenants {
		if strings.EqualFold(t.domain, authority) {
			return id
		}
	}
	return ""
}

func (e *Emulator) entraRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", e.serveEntraAuthorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/authorize", e.serveEntraAnswer)
	mux.HandleFunc("GET /{tenant}/adminconsent", e.serveAdminConsent)
	mux.HandleFunc("POST /{tenant}/adminconsent", e.serveEntraAnswer)
	mux.HandleFunc("GET /oidc/userinfo", e.graph("GET /oidc/userinfo", e.graphUserInfo))
	mux.HandleFunc("POST /v1.0/me/revokeSignInSessions", e.graph("POST /v1.0/me/revokeSignInSessions", e.graphRevokeSessions))
	mux.HandleFunc("POST /v1.0/users/{user}/revokeSignInSessions", e.graph("POST /v1.0/users/{user}/revokeSignInSessions", e.graphRevokeSessions))
	mux.HandleFunc("GET /v1.0/appCatalogs/teamsApps", e.graph("GET /v1.0/appCatalogs/teamsApps", e.graphCatalog))
	mux.HandleFunc("POST /v1.0/teams/{team}/installedApps", e.graph("POST /v1.0/teams/{team}/installedApps", e.graphInstallApp))
}

// serveAdminConsentV2 routes /{tenant}/v2.0/adminconsent, which the mux
// cannot hold beside /drive/{key}/{name}; it reports whether it answered.
func (e *Emulator) serveAdminConsentV2(w http.ResponseWriter, r *http.Request) bool {
	tid, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/v2.0/adminconsent")
	if !ok || tid == "" || strings.Contains(tid, "/") {
		return false
	}
	r.SetPathValue("tenant", tid)
	switch r.Method {
	case http.MethodGet:
		e.serveAdminConsent(w, r)
	case http.MethodPost:
		e.serveEntraAnswer(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
	return true
}

// pageError renders Entra's sign-in error page: the AADSTS code and text.
func pageError(w http.ResponseWriter, aadsts, msg string) {
	idp.WriteErrorPage(w, http.StatusBadRequest, aadPageTitle, "AADSTS"+aadsts+": "+msg)
}

// aadPageTitle heads Entra's sign-in error pages.
const aadPageTitle = "Sorry, but we're having trouble signing you in."

// checkClient resolves the app and redirect URI of an authorize or
// admin-consent request; on failure it has written the error page.
func (e *Emulator) checkClient(w http.ResponseWriter, q url.Values, authority string) (*entraRequest, bool) {
	clientID := q.Get("client_id")
	e.mu.Lock()
	reg := e.entra.apps[clientID]
	var spec AppSpec
	if reg != nil {
		spec = reg.spec
	}
	e.mu.Unlock()
	req := &entraRequest{Request: idp.ReadRequest(q), appID: clientID, authority: authority}
	switch authority {
	case tenantCommon, tenantOrganizations:
		if reg != nil && !spec.MultiTenant {
			pageError(w, "50194", "Application '"+emulator.Echo(clientID)+"'("+emulator.Echo(spec.Name)+") is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications. Use a tenant-specific endpoint or configure the application to be multi-tenant.")
			return nil, false
		}
	default:
		req.tenant = e.resolveTenant(authority)
		if req.tenant == "" {
			pageError(w, "90002", "Tenant '"+emulator.Echo(authority)+"' not found.")
			return nil, false
		}
	}
	if reg == nil || (req.tenant != "" && !spec.MultiTenant && spec.HomeTenant != "" && spec.HomeTenant != req.tenant) {
		pageError(w, "700016", "Application with identifier '"+emulator.Echo(clientID)+"' was not found in the directory '"+emulator.Echo(authority)+"'.")
		return nil, false
	}
	if req.Redirect == "" && len(spec.RedirectURIs) == 1 {
		// Entra's code then stands for the one registered URI.
		req.Redirect, req.RedirectURI = spec.RedirectURIs[0], spec.RedirectURIs[0]
	}
	if !slices.Contains(spec.RedirectURIs, req.Redirect) {
		pageError(w, "50011", "The redirect URI '"+emulator.Echo(req.Redirect)+"' specified in the request does not match the redirect URIs configured for the application '"+emulator.Echo(clientID)+"'.")
		return nil, false
	}
	return req, true
}

// normalizeScopes splits a scope parameter into OIDC scopes and Graph
// permissions (short names); ok is false for a scope Graph does not have.
func normalizeScopes(param string) (scopes []string, bad string) {
	for _, s := range idp.SplitScopes(param) {
		short := strings.TrimPrefix(s, graphResource)
		switch {
		case slices.Contains(oidcScopes, s):
			scopes = append(scopes, s)
		case short == ".default":
			scopes = append(scopes, strings.Fields(delegatedScopes)...)
		case slices.ContainsFunc(graphDelegated, func(p string) bool { return strings.EqualFold(p, short) }):
			scopes = append(scopes, short)
		default:
			return nil, s
		}
	}
	return slices.Compact(scopes), ""
}

// serveEntraAuthorize is /{tenant}/oauth2/v2.0/authorize: the account
// chooser and consent page of the authorization code flow.
func (e *Emulator) serveEntraAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, ok := e.checkClient(w, q, r.PathValue("tenant"))
	if !ok {
		return
	}
	fail := func(code, aadsts, msg string) {
		req.Fail(w, r, code, url.Values{"error_description": {"AADSTS" + aadsts + ": " + msg}})
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "700054", "response_type '"+emulator.Echo(q.Get("response_type"))+"' is not enabled for the application.")
		return
	}
	if m := q.Get("response_mode"); m != "" && m != "query" {
		fail("invalid_request", "900144", "The emulator answers with response_mode=query only.")
		return
	}
	scopes, bad := normalizeScopes(q.Get("scope"))
	if bad != "" {
		fail("invalid_client", "650053", "The application asked for scope '"+emulator.Echo(bad)+"' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'.")
		return
	}
	if len(scopes) == 0 {
		fail("invalid_request", "900144", "The request body must contain the following parameter: 'scope'.")
		return
	}
	if !idp.ValidChallenge(req.Challenge, req.Method, "S256", "plain") {
		fail("invalid_request", "501491", "Invalid size of Code_Challenge parameter.")
		return
	}
	if q.Get("prompt") == "none" {
		fail("interaction_required", "50058", "A silent sign-in request was sent but no user is signed in.")
		return
	}
	req.scopes = scopes
	e.writeEntraChooser(w, r, req, "Sign in to "+e.appName(req.appID), "This app would like to:")
}

// serveAdminConsent is /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent:
// an administrator grants the app's permissions for the whole tenant.
func (e *Emulator) serveAdminConsent(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req, ok := e.checkClient(w, q, r.PathValue("tenant"))
	if !ok {
		return
	}
	req.adminConsent = true
	req.v2 = strings.Contains(r.URL.Path, "/v2.0/")
	req.scopes = idp.SplitScopes(q.Get("scope"))
	if len(req.scopes) == 0 {
		req.scopes = []string{graphResource + ".default"}
	}
	e.writeEntraChooser(w, r, req, "Permissions requested for "+e.appName(req.appID), "Accept for your organization:")
}

func (e *Emulator) appName(appID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reg := e.entra.apps[appID]; reg != nil {
		return reg.spec.Name
	}
	return appID
}

func (e *Emulator) writeEntraChooser(w http.ResponseWriter, r *http.Request, req *entraRequest, title, intro string) {
	e.mu.Lock()
	tenants := []string{req.tenant}
	if req.tenant == "" {
		tenants = tenants[:0]
		for id := range e.st.tenants {
			tenants = append(tenants, id)
		}
		slices.Sort(tenants)
	}
	var accounts []idp.Account
	for _, tid := range tenants {
		tn := e.st.tenants[tid]
		for _, uid := range tn.users {
			u := e.st.users[uid]
			accounts = append(accounts, idp.Account{ID: u.id, Email: u.upn, Name: u.name + " · " + tn.name})
		}
	}
	e.mu.Unlock()
	idp.WriteChooser(w, idp.Chooser{Platform: "Microsoft", Title: title, Intro: intro, Scopes: req.scopes,
		Action: r.URL.Path, Request: e.pending.Put(*req), Accounts: accounts, Deny: "Cancel"})
}

// serveEntraAnswer takes the chooser form of either page.
func (e *Emulator) serveEntraAnswer(w http.ResponseWriter, r *http.Request) {
	ans, ok := e.pending.TakeAnswer(w, r, maxFormBody, idp.AnswerPages{
		BadForm: idp.Page{Title: aadPageTitle, Detail: "AADSTS900144: The form could not be read."},
		Expired: idp.Page{Title: aadPageTitle, Detail: "AADSTS50058: The sign-in request has expired. Go back to the app and start again."},
	})
	if !ok {
		return
	}
	req := ans.Request
	if ans.Denied {
		why := "AADSTS65004: User declined to consent to access the app."
		if req.adminConsent {
			why = "The admin canceled the request"
		}
		req.Fail(w, r, "access_denied", url.Values{"error_subcode": {"cancel"}, "error_description": {why}})
		return
	}
	e.mu.Lock()
	u := e.st.users[ans.Account]
	valid := u != nil && (req.tenant == "" || u.tenant == req.tenant)
	if valid && req.adminConsent {
		e.entra.consents[u.tenant+" "+req.appID] = true
	}
	e.mu.Unlock()
	if !valid {
		pageError(w, "50034", "The user account does not exist in the directory.")
		return
	}
	if req.adminConsent {
		params := url.Values{"admin_consent": {"True"}, "tenant": {u.tenant}}
		if req.v2 {
			params.Set("scope", strings.Join(req.scopes, " "))
		}
		req.Return(w, r, params)
		return
	}
	code := "1.A" + idp.RandomToken(96)
	idp.Approve(w, r, e.codes, code, req.Request, u.id, e.base.Wall(),
		entraGrant{tenant: u.tenant, authority: req.authority, scopes: req.scopes}, url.Values{"session_state": {ids.UUID()}})
}

// serveDelegatedToken answers the authorization_code and refresh_token
// grants of /{tenant}/oauth2/v2.0/token.
func (e *Emulator) serveDelegatedToken(w http.ResponseWriter, r *http.Request, authority string) {
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, secret = u, p
	}
	e.mu.Lock()
	reg := e.entra.apps[clientID]
	e.mu.Unlock()
	switch {
	case reg == nil:
		aadError(w, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+emulator.Echo(clientID)+"' was not found in the directory '"+emulator.Echo(authority)+"'.")
		return
	case secret == "":
		aadError(w, http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	case !secretsEqual(reg.spec.ClientSecret, secret):
		aadError(w, http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		e.refreshDelegated(w, r, reg, authority)
		return
	}
	g, err := e.codes.Redeem(r.PostForm.Get("code"), clientID, r.PostForm.Get("redirect_uri"), r.PostForm.Get("code_verifier"))
	if err == nil && authority != tenantCommon && authority != tenantOrganizations && e.resolveTenant(authority) != g.Data.tenant {
		err = idp.ErrCodeUnknown
	}
	switch {
	case errors.Is(err, idp.ErrCodeUsed):
		aadError(w, http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
		return
	case errors.Is(err, idp.ErrCodeExpired):
		aadError(w, http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
		return
	case errors.Is(err, idp.ErrRedirectMismatch):
		aadError(w, http.StatusBadRequest, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting Authorization code.")
		return
	case errors.Is(err, idp.ErrVerifierMissing):
		aadError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'code_verifier'.")
		return
	case errors.Is(err, idp.ErrVerifierMismatch):
		aadError(w, http.StatusBadRequest, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		return
	case err != nil:
		aadError(w, http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.")
		return
	}
	e.writeDelegatedTokens(w, reg, g.Account, g.Data.tenant, g.Data.scopes, g.Nonce, g.AuthTime, "")
}

// refreshDelegated redeems a refresh token. Entra keeps the old refresh
// token valid; revokeSignInSessions or 90 days unused end it.
func (e *Emulator) refreshDelegated(w http.ResponseWriter, r *http.Request, reg *appReg, authority string) {
	rt := r.PostForm.Get("refresh_token")
	now := e.now()
	e.mu.Lock()
	g := e.entra.refresh[rt]
	var revokedAt time.Time
	if g != nil {
		revokedAt = e.entra.revoked[g.userID]
	}
	e.mu.Unlock()
	switch {
	case g == nil || g.appID != reg.spec.ClientID:
		aadError(w, http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
		return
	case !revokedAt.IsZero() && !g.issued.After(revokedAt):
		aadError(w, http.StatusBadRequest, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")
		return
	case now.Sub(g.lastUsed) > refreshLifetime:
		aadError(w, http.StatusBadRequest, "invalid_grant", 700082, "The refresh token has expired due to inactivity.")
		return
	}
	scopes := g.scopes
	if s := r.PostForm.Get("scope"); s != "" {
		asked, bad := normalizeScopes(s)
		for _, a := range asked {
			if !slices.Contains(g.scopes, a) {
				bad = a
			}
		}
		if bad != "" {
			aadError(w, http.StatusBadRequest, "invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '"+emulator.Echo(reg.spec.ClientID)+"'. Send an interactive authorization request for this user and resource.")
			return
		}
		scopes = asked
	}
	e.mu.Lock()
	g.lastUsed = now
	e.mu.Unlock()
	e.writeDelegatedTokens(w, reg, g.userID, g.tenant, scopes, "", time.Time{}, rt)
}

// writeDelegatedTokens answers a token request: a Graph access token for
// the Graph permissions, an ID token with openid, a refresh token with
// offline_access.
func (e *Emulator) writeDelegatedTokens(w http.ResponseWriter, reg *appReg, userID, tid string, scopes []string, nonce string, authTime time.Time, oldRefresh string) {
	now := e.now()
	e.mu.Lock()
	u := e.st.users[userID]
	e.mu.Unlock()
	var graph, granted []string
	for _, s := range scopes {
		if !slices.Contains(oidcScopes, s) {
			graph = append(graph, s)
			granted = append(granted, graphResource+s)
		}
	}
	if len(graph) == 0 { // Entra issues a Graph token for User.Read by default
		graph, granted = []string{"User.Read"}, []string{graphResource + "User.Read"}
	}
	for _, s := range scopes {
		if slices.Contains(oidcScopes, s) {
			granted = append(granted, s)
		}
	}
	access := signJWT(e.keys.tokenKey(), map[string]any{
		"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/" + tid + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(delegatedLifetime).Unix(),
		"appid": reg.spec.ClientID, "app_displayname": reg.spec.Name, "idtyp": "user",
		"oid": u.id, "tid": tid, "upn": u.upn, "name": u.name, "scp": strings.Join(graph, " "),
		"uti": ids.String(ids.URLSafe, 22), "ver": "1.0",
	})
	out := map[string]any{
		"token_type": "Bearer", "scope": strings.Join(granted, " "),
		"expires_in": int(delegatedLifetime.Seconds()), "ext_expires_in": int(delegatedLifetime.Seconds()),
		"access_token": access,
	}
	e.mu.Lock()
	e.pruneTokensLocked(now)
	e.st.tokens[access] = &token{value: access, kind: tokenGraphUser, tenant: tid, appID: reg.spec.ClientID,
		userID: u.id, expires: now.Add(delegatedLifetime), issued: now, scopes: graph}
	if slices.Contains(scopes, "offline_access") {
		rt := "1.A" + idp.RandomToken(180)
		e.entra.refresh[rt] = &refreshToken{appID: reg.spec.ClientID, userID: u.id, tenant: tid, scopes: scopes, issued: now, lastUsed: now}
		out["refresh_token"] = rt
	}
	e.mu.Unlock()
	if slices.Contains(scopes, "openid") {
		wall := e.base.Wall() // the relying party checks an ID token on its own clock
		claims := map[string]any{
			"aud": reg.spec.ClientID, "iss": e.IssuerURL(tid), "iat": wall.Unix(), "nbf": wall.Unix(),
			"exp": wall.Add(time.Hour).Unix(), "aio": idp.RandomToken(40), "oid": u.id,
			"sub": pairwiseSub(u.id, reg.spec.ClientID), "tid": tid, "uti": ids.String(ids.URLSafe, 22),
			"rh": "0.A" + idp.RandomToken(30), "ver": "2.0", "sid": ids.UUID(),
		}
		if nonce != "" {
			claims["nonce"] = nonce
		}
		if slices.Contains(scopes, "profile") {
			claims["name"], claims["preferred_username"] = u.name, u.upn
		}
		if slices.Contains(scopes, "email") && u.email != "" {
			claims["email"] = u.email
		}
		out["id_token"] = signJWT(e.keys.tokenKey(), claims)
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, out)
}

// pairwiseSub is the v2.0 sub: unique per person and app, so two apps
// cannot correlate people by it.
func pairwiseSub(userID, appID string) string {
	sum := sha256.Sum256([]byte(userID + "|" + appID))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:43]
}

func secretsEqual(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// Approve answers a Microsoft sign-in or consent page —
// /{tenant}/oauth2/v2.0/authorize or /{tenant}/[v2.0/]adminconsent — as
// the person whose userPrincipalName (their email when they have one) is
// given, through the HTTP a browser uses: GET the page, press that
// person's button on the account chooser, and return the URL Entra
// redirects to (the app's redirect_uri with code and state, or
// admin_consent=True and tenant). GET it with the same client to run the
// app's callback (idp.Follow).
func Approve(ctx context.Context, client *http.Client, authorizeURL, upn string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, upn)
}

// Decline presses Cancel; the result is the redirect_uri with
// error=access_denied.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}
