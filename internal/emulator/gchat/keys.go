package gchat

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/ids"
)

// chatIssuer is who signs interaction-event tokens for project-number
// audiences.
const chatIssuer = "chat@system.gserviceaccount.com"

// oidcIssuer is the iss of Google-signed OIDC ID tokens (Pub/Sub push).
const oidcIssuer = "https://accounts.google.com"

// signingKey is an RSA key with the forms Google publishes it in: a
// self-signed x509 certificate (kid → PEM maps) and a JWK.
type signingKey struct {
	kid     string
	priv    *rsa.PrivateKey
	certPEM string
}

func newSigningKey(subject string, now time.Time) *signingKey {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("gchat emulator: rsa key generation: " + err.Error()) // crypto/rand never fails
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: subject},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		panic("gchat emulator: self-signed certificate: " + err.Error())
	}
	return &signingKey{
		kid:     ids.Hex(20),
		priv:    priv,
		certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
	}
}

// sign returns an RS256 JWT with the key's kid in its header.
func (k *signingKey) sign(claims jwt.MapClaims) string {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	s, err := t.SignedString(k.priv)
	if err != nil {
		panic("gchat emulator: signing: " + err.Error()) // only fails on a bad key
	}
	return s
}

func (k *signingKey) jwk() map[string]string {
	enc := base64.RawURLEncoding
	return map[string]string{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": k.kid,
		"n": enc.EncodeToString(k.priv.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(k.priv.E)).Bytes()),
	}
}

// Cache-Control as Google serves its certs, so clients cache them.
const certsCacheControl = "public, max-age=19800, must-revalidate, no-transform"

func (e *Emulator) serveChatCerts(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", certsCacheControl)
	writeJSON(w, http.StatusOK, map[string]string{e.chatKey.kid: e.chatKey.certPEM})
}

func (e *Emulator) serveOIDCCerts(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", certsCacheControl)
	writeJSON(w, http.StatusOK, map[string]string{e.oidcKey.kid: e.oidcKey.certPEM})
}

func (e *Emulator) serveOIDCJWKS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", certsCacheControl)
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{e.oidcKey.jwk()}})
}
