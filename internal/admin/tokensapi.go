package admin

import (
	"context"
	"errors"
	"time"

	"parley/internal/store"
)

// issue stores a new token of kind for person and returns its secret.
func (a *API) issue(ctx context.Context, kind, person, provider string, expires time.Time) (string, store.AccessToken, error) {
	for range 3 {
		secret, id := newToken(kind)
		hash, err := a.vault.DeploymentIndex(ctx, purposeToken, secret)
		if err != nil {
			return "", store.AccessToken{}, err
		}
		t := store.AccessToken{Hash: hash, ID: id, Kind: kind, Person: person, Provider: provider, Created: a.now().UTC(), Expires: expires.UTC()}
		err = a.st.CreateAccessToken(ctx, t)
		if errors.Is(err, store.ErrExists) {
			continue // an 80-bit ID collided; draw again
		}
		return secret, t, err
	}
	return "", store.AccessToken{}, errors.New("could not draw a unique token ID")
}

func tokenOut(t store.AccessToken) TokenOut {
	return TokenOut{ID: t.ID, Created: t.Created.UTC(), Expires: t.Expires.UTC()}
}

var errBootstrapPerson = apiError(403, "forbidden", "the bootstrap token belongs to no person; sign in to make personal tokens")

func (a *API) listTokens(c *call, _ *none) (TokensOut, error) {
	out := TokensOut{Tokens: []TokenOut{}}
	if c.who.person == "" {
		return out, nil
	}
	ts, err := a.st.AccessTokens(c.ctx(), c.who.person, store.TokenPersonal)
	if err != nil {
		return out, err
	}
	for _, t := range ts {
		if t.Expires.IsZero() || a.now().Before(t.Expires) {
			out.Tokens = append(out.Tokens, tokenOut(t))
		}
	}
	return out, nil
}

func (a *API) createToken(c *call, in *TokenIn) (TokenOut, error) {
	if c.who.person == "" {
		return TokenOut{}, errBootstrapPerson
	}
	life := a.opts.TokenTTL
	if in.ExpiresInDays < 0 || time.Duration(in.ExpiresInDays)*24*time.Hour > life {
		return TokenOut{}, badRequest("expires_in_days: from 1 to %d", int(life/(24*time.Hour)))
	}
	if in.ExpiresInDays > 0 {
		life = time.Duration(in.ExpiresInDays) * 24 * time.Hour
	}
	// A token never outlives the session or token that made it.
	expires := c.who.expiresWithin(a.now().Add(life))
	secret, t, err := a.issue(c.ctx(), store.TokenPersonal, c.who.person, c.who.token.Provider, expires)
	if err != nil {
		return TokenOut{}, err
	}
	c.target = "token:" + t.ID
	out := tokenOut(t)
	out.Token = secret
	return out, nil
}

func (a *API) revokeToken(c *call, _ *none) (none, error) {
	id := c.r.PathValue("id")
	c.target = "token:" + id
	if c.who.person == "" {
		return none{}, notFound("token")
	}
	err := a.st.DeleteAccessToken(c.ctx(), c.who.person, id)
	if errors.Is(err, store.ErrNotFound) {
		return none{}, notFound("token")
	}
	return none{}, err
}
