package gchat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/signingkeys"
)

// Issuers of Google-signed OIDC ID tokens; Google uses both spellings.
var oidcIssuers = []string{"https://accounts.google.com", "accounts.google.com"}

// leeway absorbs clock skew between Google and us.
const leeway = 30 * time.Second

// verifier checks the bearer tokens of Google's deliveries.
type verifier struct {
	chatKeys, oidcKeys *signingkeys.Cache
	chatIssuer         string
	projectNumber      string
	pushAudience       string
	pushAccount        string
	now                func() time.Time
}

// bearer extracts the token from an Authorization header.
func bearer(h string) (string, error) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", errors.New("no bearer token")
	}
	return strings.TrimSpace(tok), nil
}

// parse verifies an RS256 token's signature with keys, its expiry, its
// audience and its issuer (one of issuers).
func (v *verifier) parse(ctx context.Context, tok string, keys *signingkeys.Cache, aud string, issuers []string) (jwt.MapClaims, error) {
	if aud == "" {
		// Without a pinned audience any Google token would pass.
		return nil, errors.New("no audience configured")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		k, err := keys.Key(ctx, kid)
		if err != nil {
			return nil, err
		}
		return k.Public, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithAudience(aud),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(v.now),
	)
	if err != nil {
		return nil, fmt.Errorf("token rejected: %w", err)
	}
	iss, _ := claims["iss"].(string)
	for _, want := range issuers {
		if iss == want {
			return claims, nil
		}
	}
	return nil, errors.New("token rejected: wrong issuer")
}

// chatToken verifies an interaction event's token: signed by Chat's
// system account, for our project number.
func (v *verifier) chatToken(ctx context.Context, header string) error {
	tok, err := bearer(header)
	if err != nil {
		return err
	}
	_, err = v.parse(ctx, tok, v.chatKeys, v.projectNumber, []string{v.chatIssuer})
	return err
}

// pushToken verifies a Pub/Sub push's OIDC token: Google-signed, for our
// push audience, on behalf of the push service account with a verified
// email.
func (v *verifier) pushToken(ctx context.Context, header string) error {
	tok, err := bearer(header)
	if err != nil {
		return err
	}
	claims, err := v.parse(ctx, tok, v.oidcKeys, v.pushAudience, oidcIssuers)
	if err != nil {
		return err
	}
	email, _ := claims["email"].(string)
	if v.pushAccount == "" || !strings.EqualFold(email, v.pushAccount) {
		return errors.New("token rejected: wrong service account")
	}
	if verified, _ := claims["email_verified"].(bool); !verified {
		return errors.New("token rejected: email not verified")
	}
	return nil
}
