package signingkeys

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"

	"github.com/MicahParks/jwkset"
)

// minRSABits is the smallest modulus accepted: every platform signs with
// 2048-bit RSA (RS256), and a smaller key in a document is not theirs.
const minRSABits = 2048

// Key is one published verification key.
type Key struct {
	// Public is an *rsa.PublicKey, the only kind the platforms use (RS256).
	Public crypto.PublicKey
	// Endorsements are the channels a Bot Framework key may sign for
	// ("msteams"); empty for other providers.
	Endorsements []string
}

// ParseJWKS reads a JSON Web Key Set. Keys that are not RSA public keys of
// at least 2048 bits, or that have no kid, are skipped (they verify nothing
// the platforms send); the first of two keys with one kid wins. A set with
// no usable key is an error.
func ParseJWKS(body []byte) (map[string]Key, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse JWKS: %w", err)
	}
	keys := make(map[string]Key, len(doc.Keys))
	for _, raw := range doc.Keys {
		var m jwkset.JWKMarshal
		var ext struct {
			Endorsements []string `json:"endorsements"`
		}
		if json.Unmarshal(raw, &m) != nil || json.Unmarshal(raw, &ext) != nil || m.KID == "" {
			continue
		}
		if _, dup := keys[m.KID]; dup || m.KTY != jwkset.KtyRSA {
			continue
		}
		// Private material is never read (JWKMarshalOptions.Private is
		// false), and an x5c, when present, must hold the same key.
		j, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil {
			continue
		}
		pub, ok := j.Key().(*rsa.PublicKey)
		if !ok || pub.N.BitLen() < minRSABits {
			continue
		}
		keys[m.KID] = Key{Public: pub, Endorsements: ext.Endorsements}
	}
	if len(keys) == 0 {
		return nil, errors.New("parse JWKS: no usable RSA key")
	}
	return keys, nil
}

// ParseX509Map reads a document mapping key IDs to PEM certificates, as
// Google publishes its service accounts' keys. Entries that are not RSA
// certificates of at least 2048 bits are skipped; a document with none is
// an error.
func ParseX509Map(body []byte) (map[string]Key, error) {
	var doc map[string]string
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse x509 key document: %w", err)
	}
	keys := make(map[string]Key, len(doc))
	for kid, p := range doc {
		block, _ := pem.Decode([]byte(p))
		if kid == "" || block == nil || block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && pub.N.BitLen() >= minRSABits {
			keys[kid] = Key{Public: pub}
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("parse x509 key document: no usable RSA certificate")
	}
	return keys, nil
}

// ParseOpenIDMetadata returns the jwks_uri of an OpenID Provider metadata
// document; it must be an absolute https URL.
func ParseOpenIDMetadata(body []byte) (string, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &meta); err != nil {
		return "", fmt.Errorf("parse openid metadata: %w", err)
	}
	u, err := url.Parse(meta.JWKSURI)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return "", errors.New("parse openid metadata: jwks_uri is not an absolute https URL")
	}
	return meta.JWKSURI, nil
}
