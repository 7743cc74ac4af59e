// Package signingkeys fetches and caches the public keys platforms sign
// their tokens with: one implementation for Microsoft's and Google's
// documents alike — a JSON Web Key Set (Google's OIDC keys), OpenID
// metadata naming a JWKS (the Bot Framework, whose keys carry the
// channels they are endorsed for), or a map of key ID to X.509
// certificate (Google Chat's chat@system.gserviceaccount.com).
//
// Tokens are outside input, and a forged one can name any key ID. An
// unknown ID makes the cache look again, but at most one fetch runs at a
// time and at most one starts per MinInterval, however many forged tokens
// arrive. When the provider fails, the last good keys keep serving for
// MaxStale past the time they were due for refresh; after that the cache
// refuses rather than trust keys the provider may have withdrawn.
package signingkeys
