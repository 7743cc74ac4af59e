package teams

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/signingkeys"
)

// channelMSTeams is the Bot Framework channel ID of Teams.
const channelMSTeams = "msteams"

// clockSkew is the leeway Microsoft allows on nbf and exp.
const clockSkew = 5 * time.Minute

// keysMaxAge: Microsoft's keys are fetched again when a day old (its
// guidance is to refresh them at least daily).
const keysMaxAge = 24 * time.Hour

// newKeys returns the cache of the Bot Framework's signing keys, published
// as OpenID metadata naming a JWKS whose keys list the channels they are
// endorsed for.
func newKeys(cfg Config) *signingkeys.Cache {
	return signingkeys.New(signingkeys.Options{
		URL: cfg.OpenIDMetadataURL, Format: signingkeys.OpenIDJWKS,
		HTTPClient: cfg.HTTPClient, Now: cfg.Now, MaxAge: keysMaxAge,
	})
}

// verifier checks the Bot Connector's JWT on an inbound activity.
type verifier struct {
	keys   *signingkeys.Cache
	issuer string
	appID  string
	now    func() time.Time
}

// verified is what a valid token vouches for.
type verified struct {
	serviceURL string
}

// errForbidden marks a token that is authentic but not for us to act on
// (a key not endorsed for Teams, a serviceUrl mismatch): 403, not 401.
var errForbidden = errors.New("forbidden")

// verify checks the Authorization header. Only after it succeeds is the
// body parsed; the serviceUrl it vouches for is then compared with the
// activity's.
func (v *verifier) verify(ctx context.Context, authz string) (verified, error) {
	raw, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok || raw == "" {
		return verified{}, errors.New("no bearer token")
	}
	var endorsed bool
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		key, err := v.keys.Key(ctx, kid)
		if err != nil {
			return nil, err
		}
		endorsed = slices.Contains(key.Endorsements, channelMSTeams)
		return key.Public, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(v.issuer),
		jwt.WithAudience(v.appID),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(v.now),
	)
	if err != nil {
		return verified{}, fmt.Errorf("invalid token: %w", err)
	}
	if !endorsed {
		return verified{}, fmt.Errorf("signing key not endorsed for %s: %w", channelMSTeams, errForbidden)
	}
	su, _ := claims["serviceurl"].(string)
	if su == "" {
		return verified{}, fmt.Errorf("token has no serviceurl claim: %w", errForbidden)
	}
	return verified{serviceURL: su}, nil
}

// sameServiceURL compares serviceUrls as the Bot Framework SDKs do: the
// trailing slash is not significant.
func sameServiceURL(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/") && a != ""
}
