package idp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"sync"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/rsakey"
)

// Signer signs ID tokens with one RS256 key and publishes it as a JWKS.
// The key is made on first use, so an emulator that never signs pays
// nothing. The zero value is ready to use and safe for concurrent use.
type Signer struct {
	once sync.Once
	key  *rsa.PrivateKey
	kid  string
}

func (s *Signer) init() {
	s.once.Do(func() {
		k := rsakey.Take()
		var id [16]byte
		_, _ = rand.Read(id[:])
		s.key, s.kid = k, hex.EncodeToString(id[:])
	})
}

// KeyID is the kid in the header of every token Sign makes.
func (s *Signer) KeyID() string { s.init(); return s.kid }

// PublicKey is the key that verifies Sign's tokens.
func (s *Signer) PublicKey() *rsa.PublicKey { s.init(); return &s.key.PublicKey }

// Sign returns claims as a compact RS256 JWS with typ JWT and the kid.
func (s *Signer) Sign(claims jwt.MapClaims) string {
	s.init()
	return SignRS256(s.key, map[string]any{"kid": s.kid}, claims)
}

// SignRS256 returns claims as a compact RS256 JWS signed with key, whose
// header is typ JWT, alg RS256 and header's fields (kid, x5t: what the
// platform puts there).
func SignRS256(key *rsa.PrivateKey, header map[string]any, claims jwt.MapClaims) string {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	for k, v := range header {
		t.Header[k] = v
	}
	out, err := t.SignedString(key)
	if err != nil {
		panic("idp: signing: " + err.Error()) // only fails on a malformed key
	}
	return out
}

// JWKS is the key set document ({"keys":[…]}) a jwks_uri serves.
func (s *Signer) JWKS() map[string]any {
	s.init()
	return map[string]any{"keys": []any{PublicJWK(&s.key.PublicKey, s.kid)}}
}

// PublicJWK renders an RSA public key as a JWK for RS256 signatures.
func PublicJWK(pub *rsa.PublicKey, kid string) map[string]any {
	enc := base64.RawURLEncoding
	return map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": enc.EncodeToString(pub.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// AtHash is the at_hash claim for an access token under RS256 (OpenID
// Connect Core §3.1.3.6): the left half of its SHA-256, base64url.
func AtHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
