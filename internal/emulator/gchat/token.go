package gchat

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator"
	"parley/internal/emulator/ids"
)

const (
	jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// appTokenLifetime is what Google grants service accounts.
	appTokenLifetime = time.Hour
	// maxAssertionLifetime is Google's cap on exp - iat of an assertion.
	maxAssertionLifetime = time.Hour
	// maxTokenBody caps the token endpoint's form body.
	maxTokenBody = 64 << 10
)

// tokenError is an OAuth2 error response (RFC 6749 §5.2), as
// oauth2.googleapis.com/token sends it.
func tokenError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

// serveToken exchanges a service account's signed JWT assertion for an
// access token (the JWT-bearer grant, RFC 7523), checking the signature
// against the key RegisterApp issued, the audience, lifetime and scopes.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request", "Malformed form body.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt == "authorization_code" || gt == "refresh_token" {
		e.serveUserToken(w, r)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != jwtBearerGrant {
		tokenError(w, "unsupported_grant_type", "Invalid grant_type: "+emulator.Echo(gt))
		return
	}
	a, claims, problem := e.verifyAssertion(r.PostForm.Get("assertion"))
	if problem != "" {
		tokenError(w, "invalid_grant", problem)
		return
	}
	scope, _ := claims["scope"].(string)
	scopes := strings.Fields(scope)
	if len(scopes) == 0 {
		tokenError(w, "invalid_scope", "Empty or missing scope not allowed.")
		return
	}
	p := &principal{app: a, scopes: map[string]bool{}, expires: e.now().Add(appTokenLifetime)}
	if sub, _ := claims["sub"].(string); sub != "" && sub != a.saEmail {
		// Domain-wide delegation: the service account acts as sub, if the
		// domain's admin authorized its client ID for every scope asked.
		u, problem := e.delegate(a, sub, scopes)
		if problem != "" {
			tokenError(w, "unauthorized_client", problem)
			return
		}
		p = &principal{user: u, scopes: map[string]bool{}, expires: e.now().Add(appTokenLifetime)}
	}
	for _, s := range scopes {
		if !strings.HasPrefix(s, scopePrefix) {
			tokenError(w, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
			return
		}
		p.scopes[s] = true
	}
	tok := "ya29.c." + ids.String(ids.URLSafe, 80)
	e.mu.Lock()
	e.st.tokens[tok] = p
	e.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "expires_in": int(appTokenLifetime/time.Second) - 1, "token_type": "Bearer",
	})
}

// verifyAssertion checks a JWT-bearer assertion; problem is the
// error_description to return, "" when valid.
func (e *Emulator) verifyAssertion(assertion string) (*app, jwt.MapClaims, string) {
	if assertion == "" {
		return nil, nil, "Missing required parameter: assertion"
	}
	var a *app
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(t *jwt.Token) (any, error) {
		iss, _ := t.Claims.(jwt.MapClaims)["iss"].(string)
		e.mu.Lock()
		a = e.st.apps[iss]
		e.mu.Unlock()
		if a == nil {
			return nil, errors.New("unknown issuer")
		}
		block, _ := pem.Decode(a.pubKeyPEM)
		return x509.ParsePKIXPublicKey(block.Bytes)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.wall), jwt.WithIssuedAt(),
		jwt.WithExpirationRequired(), jwt.WithLeeway(30*time.Second))
	if err != nil {
		if a == nil {
			return nil, nil, "Invalid JWT Signature."
		}
		if errors.Is(err, jwt.ErrTokenExpired) || errors.Is(err, jwt.ErrTokenUsedBeforeIssued) {
			return nil, nil, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
		}
		return nil, nil, "Invalid JWT Signature."
	}
	aud, _ := claims.GetAudience()
	tokenURL := e.TokenURL()
	okAud := false
	for _, v := range aud {
		if v == tokenURL || v == "https://oauth2.googleapis.com/token" {
			okAud = true
		}
	}
	if !okAud {
		return nil, nil, "Invalid JWT: Failed audience check."
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if iat == nil || exp.Sub(iat.Time) > maxAssertionLifetime {
		return nil, nil, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
	}
	return a, claims, ""
}
