package teams

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"parley/internal/emulator"
	"parley/internal/emulator/ids"
)

// Scopes a bot may request with the client-credentials grant.
const (
	scopeConnector = "https://api.botframework.com/.default"
	scopeGraph     = "https://graph.microsoft.com/.default"
)

// tokenLifetime is what Entra ID grants for client-credentials tokens.
const tokenLifetime = time.Hour

// maxFormBody caps token request bodies.
const maxFormBody = 16 << 10

// appRoles are the Graph application permissions an emulated bot's app
// token carries: enough to look people up and share files in channels.
var appRoles = []string{"User.Read.All", "Files.ReadWrite.All", "Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All"}

// serveBotFrameworkMetadata answers the OpenID configuration of the Bot
// Framework token issuer, as login.botframework.com serves it.
func (e *Emulator) serveBotFrameworkMetadata(w http.ResponseWriter, r *http.Request) {
	base := e.base.URL()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                IssuerBotFramework,
		"authorization_endpoint":                "https://invalid.botframework.com",
		"jwks_uri":                              base + "/botframework/v1/.well-known/keys",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

func (e *Emulator) serveBotFrameworkKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.keys.jwks())
}

// serveTenantMetadata answers the v2.0 OpenID configuration of a tenant
// authority; MSAL reads token_endpoint from it before the first token
// request.
func (e *Emulator) serveTenantMetadata(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("tenant")
	issuerTenant := tid
	switch {
	case tid == tenantCommon || tid == tenantOrganizations:
		issuerTenant = "{tenantid}" // literally, as Entra publishes it
	case e.resolveTenant(tid) != "":
		issuerTenant = e.resolveTenant(tid)
	case !e.knownAuthority(tid):
		aadError(w, http.StatusBadRequest, "invalid_tenant", 90002, "Tenant '"+emulator.Echo(tid)+"' not found.")
		return
	}
	base := e.base.URL() + "/" + tid
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                e.base.URL() + "/" + issuerTenant + "/v2.0",
		"userinfo_endpoint":                     e.base.URL() + "/oidc/userinfo",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"request_uri_parameter_supported":       false,
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"tenant_region_scope":                   "NA",
		"cloud_instance_name":                   "microsoftonline.com",
	})
}

// serveTenantKeys publishes the key that signs issued access tokens.
func (e *Emulator) serveTenantKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{jwk(e.keys.tokenKey(), nil)}})
}

// knownAuthority reports whether tid names a tenant or the legacy
// botframework.com authority.
func (e *Emulator) knownAuthority(tid string) bool {
	if tid == "botframework.com" {
		return true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.tenants[tid] != nil
}

// serveToken is the client-credentials grant of
// login.microsoftonline.com/{tenant}/oauth2/v2.0/token for registered bots.
// Connector tokens come from any known authority (the bot's home tenant
// or botframework.com); Graph app tokens only from a real tenant, since
// they act in it.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	tid := r.PathValue("tenant")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		aadError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt == "authorization_code" || gt == "refresh_token" {
		e.serveDelegatedToken(w, r, tid)
		return
	}
	if !e.knownAuthority(tid) {
		aadError(w, http.StatusBadRequest, "invalid_request", 90002, "Tenant '"+emulator.Echo(tid)+"' not found.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		aadError(w, http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
		return
	}
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok && clientID == "" {
		clientID, secret = u, p
	}
	if clientID == "" {
		aadError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	scope := r.PostForm.Get("scope")
	e.mu.Lock()
	b := e.st.bots[clientID]
	var storedSecret string
	if b != nil {
		storedSecret = b.secret
	}
	consented := e.consentedLocked(clientID, tid)
	elsewhere := e.singleTenantElsewhereLocked(clientID, tid)
	e.mu.Unlock()
	if b == nil {
		aadError(w, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+emulator.Echo(clientID)+"' was not found in the directory.")
		return
	}
	if elsewhere {
		// A single-tenant app exists only in its home directory: Entra
		// does not find it anywhere else, botframework.com included.
		aadError(w, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+emulator.Echo(clientID)+"' was not found in the directory '"+emulator.Echo(tid)+"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
		return
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(storedSecret)) != 1 {
		aadError(w, http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
		return
	}
	if scope == scopeGraph && !consented {
		aadError(w, http.StatusBadRequest, "invalid_client", 7000229, "The client application "+emulator.Echo(clientID)+" is missing service principal in the tenant "+emulator.Echo(tid)+".")
		return
	}
	var kind, aud string
	switch scope {
	case scopeConnector:
		kind, aud = tokenConnector, "https://api.botframework.com"
	case scopeGraph:
		if tid == "botframework.com" {
			aadError(w, http.StatusBadRequest, "invalid_request", 90002, "Graph tokens need a tenant-specific authority.")
			return
		}
		kind, aud = tokenGraphApp, "https://graph.microsoft.com"
	default:
		aadError(w, http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope "+emulator.Echo(scope)+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
		return
	}
	tokTenant := tid
	if tid == "botframework.com" {
		tokTenant = "d6d49420-f39b-4df7-a1dc-d59a935871db" // botframework.com's tenant ID
	}
	now := e.now()
	claims := map[string]any{
		"aud": aud, "iss": "https://sts.windows.net/" + tokTenant + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(tokenLifetime).Unix(),
		"appid": clientID, "appidacr": "1", "idtyp": "app", "tid": tokTenant,
		"oid": clientID, "sub": clientID, "uti": ids.String(ids.URLSafe, 22), "ver": "1.0",
	}
	if kind == tokenGraphApp {
		claims["roles"] = appRoles
	}
	value := signJWT(e.keys.tokenKey(), claims)
	tk := &token{value: value, kind: kind, appID: clientID, expires: now.Add(tokenLifetime)}
	if kind == tokenGraphApp {
		tk.tenant = tid
	}
	e.mu.Lock()
	e.pruneTokensLocked(now)
	e.st.tokens[value] = tk
	e.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": int(tokenLifetime.Seconds()),
		"ext_expires_in": int(tokenLifetime.Seconds()), "access_token": value,
	})
}

// pruneTokensLocked drops expired issued tokens so a client that fetches
// a token per call cannot grow memory without bound.
func (e *Emulator) pruneTokensLocked(now time.Time) {
	if len(e.st.tokens)%256 != 0 {
		return
	}
	for k, t := range e.st.tokens {
		if !t.expires.IsZero() && now.After(t.expires) {
			delete(e.st.tokens, k)
		}
	}
}

// aadError writes an Entra ID (AADSTS) error body.
func aadError(w http.ResponseWriter, status int, code string, aadsts int, desc string) {
	now := time.Now().UTC()
	writeJSON(w, status, map[string]any{
		"error":             code,
		"error_description": "AADSTS" + strconv.Itoa(aadsts) + ": " + desc + "\r\nTrace ID: " + ids.UUID() + "\r\nCorrelation ID: " + ids.UUID() + "\r\nTimestamp: " + now.Format("2006-01-02 15:04:05Z"),
		"error_codes":       []int{aadsts},
		"timestamp":         now.Format("2006-01-02 15:04:05Z"),
		"trace_id":          ids.UUID(),
		"correlation_id":    ids.UUID(),
	})
}

// lookupToken returns the live token for a bearer value.
func (e *Emulator) lookupToken(r *http.Request) (*token, bool) {
	v, ok := bearer(r)
	if !ok {
		return nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.st.tokens[v]
	if t == nil || (!t.expires.IsZero() && e.now().After(t.expires)) || e.sessionRevokedLocked(t) {
		return nil, false
	}
	return t, true
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, v, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || v == "" {
		return "", false
	}
	return strings.TrimSpace(v), true
}
