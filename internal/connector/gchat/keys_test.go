package gchat

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testKey is an RSA key published the way Google publishes its keys.
type testKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func newTestKey(t testing.TB, kid string) testKey {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{kid: kid, priv: priv}
}

func (k testKey) sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (k testKey) certPEM(t testing.TB) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.priv.PublicKey, k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// keyServer serves chat's x509 certs at /certs and the OIDC JWKS at /jwks
// over TLS.
func keyServer(t testing.TB, chatKey, oidcKey testKey) *httptest.Server {
	t.Helper()
	certs := map[string]string{chatKey.kid: chatKey.certPEM(t)}
	enc := base64.RawURLEncoding
	jwksDoc := map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": oidcKey.kid, "alg": "RS256",
		"n": enc.EncodeToString(oidcKey.priv.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(oidcKey.priv.E)).Bytes()),
	}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/certs", func(w http.ResponseWriter, r *http.Request) { _ = json.NewEncoder(w).Encode(certs) })
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) { _ = json.NewEncoder(w).Encode(jwksDoc) })
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}
