package gchat

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/ids"
	"parley/internal/emulator/rsakey"
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
	priv := rsakey.Take()
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
	return idp.SignRS256(k.priv, map[string]any{"kid": k.kid}, claims)
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
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{idp.PublicJWK(&e.oidcKey.priv.PublicKey, e.oidcKey.kid)}})
}
