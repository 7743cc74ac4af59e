package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// principal is who a request acts for.
type principal struct {
	// actor is the pseudonymous ID the audit log names: a person ID, or
	// "bootstrap" for the config's admin token.
	actor string
	// person is the email's blind index; empty for the bootstrap token.
	person       string
	installation bool
	roles        map[core.TenantID]Role
	// session is set for a console session cookie: state changes then
	// need the CSRF token.
	session bool
	token   store.AccessToken
}

const bootstrapActor = "bootstrap"

// Deployment-key purposes.
const (
	purposeEmail = "admin-email"
	purposeToken = "admin-token"
	purposeCSRF  = "admin-csrf"
	purposeAudit = "audit-chain"
)

// personIndex is the blind index of an email: lower-cased and trimmed,
// the same in every tenant.
func (a *API) personIndex(ctx context.Context, email string) (string, error) {
	return a.vault.DeploymentIndex(ctx, purposeEmail, normalizeEmail(email))
}

func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// personID is the short public ID of a person: a prefix of the blind
// index, so it says nothing about the email.
func personID(index string) string {
	if len(index) > 22 {
		index = index[:22]
	}
	return "p_" + index
}

// authenticate finds the caller from the Authorization header or the
// session cookie; a request with neither, or with a bad one, is 401.
func (a *API) authenticate(r *http.Request) (*principal, *Error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, errUnauthenticated
		}
		if want := a.opts.BootstrapToken.Reveal(); want != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(want)) == 1 {
			return &principal{actor: bootstrapActor, installation: true, roles: map[core.TenantID]Role{}}, nil
		}
		return a.tokenPrincipal(ctx, tok, store.TokenPersonal)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return a.tokenPrincipal(ctx, c.Value, store.TokenSession)
	}
	return nil, errUnauthenticated
}

// tokenPrincipal checks a personal token or session secret and loads the
// person's roles as they are now: revoking a role takes effect on the
// next request of every token the person holds.
func (a *API) tokenPrincipal(ctx context.Context, secret, kind string) (*principal, *Error) {
	if _, err := parseToken(secret, kind); err != nil {
		return nil, errUnauthenticated
	}
	hash, err := a.vault.DeploymentIndex(ctx, purposeToken, secret)
	if err != nil {
		return nil, errUnavailable
	}
	t, err := a.st.AccessToken(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUnauthenticated
	}
	if err != nil {
		return nil, errUnavailable
	}
	if t.Kind != kind || (!t.Expires.IsZero() && !a.now().Before(t.Expires)) {
		return nil, errUnauthenticated
	}
	p, err := a.personPrincipal(ctx, t.Person, t.Provider)
	if err != nil {
		return nil, errUnavailable
	}
	p.session, p.token = kind == store.TokenSession, t
	return p, nil
}

// personPrincipal loads a person's roles, keeping only those whose
// assignment trusts the provider that signed the person in.
func (a *API) personPrincipal(ctx context.Context, person, provider string) (*principal, error) {
	rs, err := a.st.RolesOf(ctx, person)
	if err != nil {
		return nil, err
	}
	p := &principal{actor: personID(person), person: person, roles: map[core.TenantID]Role{}}
	for _, r := range rs {
		if r.Provider != "" && r.Provider != provider {
			continue
		}
		if r.Tenant == store.Installation {
			p.installation = r.Role == installationRole
			continue
		}
		if role, err := ParseRole(r.Role); err == nil {
			p.roles[r.Tenant] = role
		}
	}
	return p, nil
}

// csrfToken is bound to the session: a keyed hash of its secret hash, so
// it needs no storage and dies with the session.
func (a *API) csrfToken(ctx context.Context, p *principal) (string, error) {
	return a.vault.DeploymentIndex(ctx, purposeCSRF, p.token.Hash)
}

func (a *API) validCSRF(r *http.Request, p *principal) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		return false
	}
	want, err := a.csrfToken(r.Context(), p)
	return err == nil && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// expiresWithin is when a token made now by p may expire at the latest:
// never after the credential that makes it.
func (p *principal) expiresWithin(max time.Time) time.Time {
	if !p.token.Expires.IsZero() && p.token.Expires.Before(max) {
		return p.token.Expires
	}
	return max
}
