package admin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"parley/internal/secret"
	"parley/internal/store"
)

// Provider is an OpenID provider people sign in with: Sign in with Slack,
// Microsoft Entra ID, Google, Login with Webex.
type Provider struct {
	// Name is how the API and role assignments name it ("slack", …).
	Name         string
	Issuer       string
	ClientID     string
	ClientSecret secret.Secret
	// TrustEmailClaim accepts an ID token's email without
	// email_verified: true. Entra ID never sends email_verified; set it
	// only for a single-tenant Entra issuer, whose admins own the
	// addresses.
	TrustEmailClaim bool
}

// Cookie names. The __Host- prefix makes browsers accept them only over
// HTTPS, for this host alone, with Path=/.
const (
	sessionCookie = "__Host-parley_session"
	signinCookie  = "__Host-parley_signin"
	// signinTTL bounds a sign-in between the redirect to the provider and
	// the way back.
	signinTTL = 10 * time.Minute
)

// provider is a Provider with its discovery document, fetched on first
// use so that a provider that is down does not stop the gateway.
type provider struct {
	cfg      Provider
	mu       sync.Mutex
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

func (a *API) provider(ctx context.Context, name string) (*provider, *oauth2.Config, error) {
	p := a.providers[name]
	if p == nil {
		return nil, nil, notFound("sign-in provider")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oidc == nil {
		op, err := oidc.NewProvider(oidc.ClientContext(ctx, a.opts.HTTPClient), p.cfg.Issuer)
		if err != nil {
			a.log.Warn("sign-in provider unreachable", "provider", name, "err", err)
			return nil, nil, apiError(http.StatusBadGateway, "provider_unavailable", "the sign-in provider %s cannot be reached; try again shortly", name)
		}
		p.oidc = op
		p.verifier = op.VerifierContext(oidc.ClientContext(context.Background(), a.opts.HTTPClient),
			&oidc.Config{ClientID: p.cfg.ClientID, Now: a.now, SupportedSigningAlgs: []string{oidc.RS256, oidc.ES256, oidc.PS256}})
	}
	return p, &oauth2.Config{
		ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret.Reveal(), Endpoint: p.oidc.Endpoint(),
		RedirectURL: a.RedirectURL(name), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}, nil
}

// RedirectURL is the callback URL to register with a provider.
func (a *API) RedirectURL(provider string) string {
	return strings.TrimRight(*a.url.Load(), "/") + Prefix + "auth/" + provider + "/callback"
}

func (a *API) getProviders(c *call, _ *none) (ProvidersOut, error) {
	out := ProvidersOut{Providers: []ProviderOut{}}
	for _, p := range a.opts.Providers {
		out.Providers = append(out.Providers, ProviderOut{Name: p.Name, LoginURL: Prefix + "auth/" + p.Name + "/login"})
	}
	return out, nil
}

// pendingSignin is what the sign-in cookie carries, sealed, between the
// redirect to the provider and the callback.
type pendingSignin struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"`
}

var signinAAD = []byte("admin-signin")

// login sends the browser to the provider with state, nonce and a PKCE
// challenge; their secrets travel in a sealed, short-lived cookie.
func (a *API) login(c *call, _ *none) (redirect, error) {
	name := c.r.PathValue("provider")
	_, cfg, err := a.provider(c.ctx(), name)
	if err != nil {
		return "", err
	}
	ps := pendingSignin{Provider: name, State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier(), Expires: a.now().Add(signinTTL).Unix()}
	b, _ := json.Marshal(ps)
	sealed, err := a.vault.SealDeployment(c.ctx(), b, signinAAD)
	if err != nil {
		return "", err
	}
	http.SetCookie(c.w, &http.Cookie{Name: signinCookie, Value: base64.RawURLEncoding.EncodeToString(sealed), Path: "/",
		MaxAge: int(signinTTL.Seconds()), HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	return redirect(cfg.AuthCodeURL(ps.State, oidc.Nonce(ps.Nonce), oauth2.S256ChallengeOption(ps.Verifier))), nil
}

var errSignin = apiError(http.StatusUnauthorized, "signin_failed", "sign-in failed; start again from the sign-in page")

// readSignin opens the sign-in cookie; any fault is errSignin.
func (a *API) readSignin(ctx context.Context, r *http.Request) (pendingSignin, error) {
	ck, err := r.Cookie(signinCookie)
	if err != nil {
		return pendingSignin{}, errSignin
	}
	return a.openSignin(ctx, ck.Value)
}

func (a *API) openSignin(ctx context.Context, v string) (pendingSignin, error) {
	var ps pendingSignin
	sealed, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(sealed) > 4096 {
		return ps, errSignin
	}
	b, err := a.vault.OpenDeployment(ctx, sealed, signinAAD)
	if err != nil {
		return ps, errSignin
	}
	if err := json.Unmarshal(b, &ps); err != nil || a.now().Unix() > ps.Expires {
		return ps, errSignin
	}
	return ps, nil
}

// idClaims are the ID-token claims sign-in uses.
type idClaims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"` // Google once sent "true"
}

func (c idClaims) verified() bool {
	switch v := c.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// callback ends sign-in: it checks state, redeems the code with the PKCE
// verifier, verifies the ID token (signature, issuer, audience, expiry,
// nonce), takes the verified email and, if the person holds a role,
// starts a session.
func (a *API) callback(c *call, _ *none) (redirect, error) {
	name := c.r.PathValue("provider")
	http.SetCookie(c.w, &http.Cookie{Name: signinCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	ps, err := a.readSignin(c.ctx(), c.r)
	if err != nil {
		return "", err
	}
	q := c.r.URL.Query()
	if ps.Provider != name || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(ps.State)) != 1 {
		return "", errSignin
	}
	if e := q.Get("error"); e != "" {
		return "", apiError(http.StatusUnauthorized, "signin_denied", "the provider did not sign you in (%s)", truncate(e, 64))
	}
	p, cfg, err := a.provider(c.ctx(), name)
	if err != nil {
		return "", err
	}
	ctx := oidc.ClientContext(c.ctx(), a.opts.HTTPClient)
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(ps.Verifier))
	if err != nil {
		a.log.Info("sign-in: code not redeemed", "provider", name, "err", err)
		return "", errSignin
	}
	email, err := a.verifyIDToken(ctx, p, tok, ps.Nonce)
	if err != nil {
		a.log.Info("sign-in: ID token refused", "provider", name, "err", err)
		return "", errSignin
	}
	return a.startSession(c, name, email)
}

// verifyIDToken checks the ID token in an answer from the token endpoint
// and returns its verified email.
func (a *API) verifyIDToken(ctx context.Context, p *provider, tok *oauth2.Token, nonce string) (string, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", errors.New("no id_token")
	}
	id, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return "", err
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(nonce)) != 1 {
		return "", errors.New("nonce does not match")
	}
	if id.AccessTokenHash != "" {
		if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
			return "", err
		}
	}
	var cl idClaims
	if err := id.Claims(&cl); err != nil {
		return "", err
	}
	if cl.Email == "" || (!cl.verified() && !p.cfg.TrustEmailClaim) {
		return "", errors.New("no verified email")
	}
	email, e := checkEmail(cl.Email)
	if e != nil {
		return "", errors.New("malformed email")
	}
	return email, nil
}

var errNoRole = apiError(http.StatusForbidden, "no_role", "you signed in, but hold no role in Parley; ask an owner of your tenant to give you one")

// startSession creates a session for the person with email if they hold
// a role that the provider may vouch for.
func (a *API) startSession(c *call, providerName, email string) (redirect, error) {
	person, err := a.personIndex(c.ctx(), email)
	if err != nil {
		return "", err
	}
	rs, err := a.st.RolesOf(c.ctx(), person)
	if err != nil {
		return "", err
	}
	allowed := false
	for _, r := range rs {
		if r.Provider == "" || r.Provider == providerName {
			allowed = true
		}
	}
	if !allowed {
		return "", errNoRole
	}
	secret, _, err := a.issue(c.ctx(), store.TokenSession, person, providerName, a.now().Add(a.opts.SessionTTL))
	if err != nil {
		return "", err
	}
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(a.opts.SessionTTL.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	return redirect("/"), nil
}

func (a *API) logout(c *call, _ *none) (none, error) {
	http.SetCookie(c.w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	if !c.who.session {
		return none{}, nil
	}
	c.target = "session:" + c.who.token.ID
	return none{}, a.st.DeleteAccessToken(c.ctx(), c.who.person, c.who.token.ID)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return fmt.Sprint(s)
}
