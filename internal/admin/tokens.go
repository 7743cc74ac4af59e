package admin

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"strings"

	"parley/internal/store"
)

// Token formats: a prefix naming the kind (so a leaked token is
// recognisable by secret scanners), a public ID and a 256-bit secret:
//
//	parley_pat_<id>_<secret>   personal API token
//	parley_ses_<id>_<secret>   console session (cookie)
//
// Only a keyed hash of the whole string is stored.
const (
	patPrefix = "parley_pat_"
	sesPrefix = "parley_ses_"
	idLen     = 16 // base32 characters: 80 bits
	secretLen = 43 // base64url characters: 256 bits
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

var errBadToken = errors.New("not a Parley token")

func tokenPrefix(kind string) string {
	if kind == store.TokenSession {
		return sesPrefix
	}
	return patPrefix
}

// newToken returns a fresh token of kind and its public ID.
func newToken(kind string) (token, id string) {
	b := make([]byte, 10+32)
	_, _ = rand.Read(b)
	id = idEncoding.EncodeToString(b[:10])
	return tokenPrefix(kind) + id + "_" + base64.RawURLEncoding.EncodeToString(b[10:]), id
}

// parseToken checks a token's shape and returns its ID; anything else is
// errBadToken (and never reaches the store).
func parseToken(s, kind string) (string, error) {
	rest, ok := strings.CutPrefix(s, tokenPrefix(kind))
	if !ok || len(rest) != idLen+1+secretLen || rest[idLen] != '_' {
		return "", errBadToken
	}
	id, sec := rest[:idLen], rest[idLen+1:]
	if _, err := idEncoding.DecodeString(id); err != nil {
		return "", errBadToken
	}
	if b, err := base64.RawURLEncoding.DecodeString(sec); err != nil || len(b) != 32 {
		return "", errBadToken
	}
	return id, nil
}
