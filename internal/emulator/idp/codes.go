package idp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"regexp"
	"sync"
	"time"
)

// Why a code could not be redeemed. Each emulator maps these onto its
// platform's error (Slack invalid_code, Entra AADSTS70008, Google
// invalid_grant, …).
var (
	ErrCodeUnknown      = errors.New("idp: unknown authorization code")
	ErrCodeExpired      = errors.New("idp: authorization code expired")
	ErrCodeUsed         = errors.New("idp: authorization code already redeemed")
	ErrClientMismatch   = errors.New("idp: code was issued to another client")
	ErrRedirectMismatch = errors.New("idp: redirect_uri differs from the authorize request's")
	ErrVerifierMissing  = errors.New("idp: code_verifier required")
	ErrVerifierMismatch = errors.New("idp: code_verifier does not match code_challenge")
)

// Grant is what a person approved on the authorize page; a code stands for
// it until redeemed. Data carries the emulator's own details (scopes,
// tenant, app).
type Grant[T any] struct {
	ClientID string
	// RedirectURI is the redirect_uri of the authorize request, "" if it
	// had none; the token request must then repeat it exactly.
	RedirectURI string
	Nonce       string
	// Challenge and Method are the PKCE code_challenge and
	// code_challenge_method ("S256" or "plain"); "" without PKCE.
	Challenge, Method string
	// Account is the emulator's ID of the person who chose.
	Account  string
	AuthTime time.Time
	Data     T
}

type codeEntry[T any] struct {
	grant   Grant[T]
	expires time.Time
	used    bool
}

// Codes holds authorization codes. A code is redeemable once, before it
// expires, by the client it was issued to, with the same redirect URI and
// the PKCE verifier of its challenge. A redeemed code is remembered until
// it would have expired, so a replay is told apart from a made-up code.
type Codes[T any] struct {
	// Now is the emulator's clock; TTL is how long a code lives.
	Now func() time.Time
	TTL time.Duration

	mu sync.Mutex
	m  map[string]*codeEntry[T]
}

// Issue stores g under code (the emulator chooses the platform's format).
func (c *Codes[T]) Issue(code string, g Grant[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.Now()
	if c.m == nil {
		c.m = map[string]*codeEntry[T]{}
	}
	for k, e := range c.m { // bounded by the codes of the last TTL
		if now.After(e.expires) {
			delete(c.m, k)
		}
	}
	c.m[code] = &codeEntry[T]{grant: g, expires: now.Add(c.TTL)}
}

// Redeem checks code against the token request and, if it is live, burns
// it: any attempt by the right client consumes the code, as a stolen code
// presented with a wrong verifier should not get a second try.
func (c *Codes[T]) Redeem(code, clientID, redirectURI, verifier string) (Grant[T], error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero Grant[T]
	e := c.m[code]
	switch {
	case e == nil:
		return zero, ErrCodeUnknown
	case e.used:
		return zero, ErrCodeUsed
	case c.Now().After(e.expires):
		delete(c.m, code)
		return zero, ErrCodeExpired
	case e.grant.ClientID != clientID:
		return zero, ErrClientMismatch
	}
	e.used = true
	if redirectURI != e.grant.RedirectURI {
		return zero, ErrRedirectMismatch
	}
	if err := VerifyPKCE(e.grant.Challenge, e.grant.Method, verifier); err != nil {
		return zero, err
	}
	return e.grant, nil
}

// verifierSyntax is RFC 7636 §4.1: 43–128 unreserved characters.
var verifierSyntax = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// VerifyPKCE checks a code_verifier against the authorize request's
// challenge. Without a challenge any verifier is ignored, as the
// platforms do.
func VerifyPKCE(challenge, method, verifier string) error {
	if challenge == "" {
		return nil
	}
	if verifier == "" {
		return ErrVerifierMissing
	}
	if !verifierSyntax.MatchString(verifier) {
		return ErrVerifierMismatch
	}
	want := verifier
	if method != "plain" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) != 1 {
		return ErrVerifierMismatch
	}
	return nil
}

// challengeSyntax accepts an S256 challenge (43 base64url characters) or
// a plain one (a verifier).
var challengeSyntax = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// ValidChallenge reports whether an authorize request's PKCE parameters
// are acceptable given the methods the platform supports; an empty
// challenge (no PKCE) is valid.
func ValidChallenge(challenge, method string, methods ...string) bool {
	if challenge == "" {
		return method == ""
	}
	if method == "" {
		method = "plain" // RFC 7636 §4.3 default
	}
	ok := false
	for _, m := range methods {
		ok = ok || m == method
	}
	return ok && challengeSyntax.MatchString(challenge)
}
