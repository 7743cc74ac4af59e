package signingkeys_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"
	"time"
)

// keyPool hands out RSA keys generated once per test binary: 2048-bit
// generation is slow under -race.
var keyPool = struct {
	sync.Mutex
	keys []*rsa.PrivateKey
}{}

func rsaKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keyPool.Lock()
	defer keyPool.Unlock()
	for len(keyPool.keys) <= i {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		keyPool.keys = append(keyPool.keys, k)
	}
	return keyPool.keys[i]
}

func certDER(t testing.TB, k *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "signing"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func certPEM(t testing.TB, k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER(t, k)}))
}

// jwk publishes k the way Google (n, e) or Microsoft (n, e, x5t, x5c,
// endorsements) do.
func jwk(t testing.TB, kid string, k *rsa.PrivateKey, endorsements ...string) map[string]any {
	enc := base64.RawURLEncoding
	m := map[string]any{
		"kty": "RSA", "use": "sig", "kid": kid, "alg": "RS256",
		"n": enc.EncodeToString(k.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
	}
	if endorsements != nil {
		der := certDER(t, k)
		sum := sha1.Sum(der)
		delete(m, "alg")
		m["x5t"] = enc.EncodeToString(sum[:])
		m["x5c"] = []string{base64.StdEncoding.EncodeToString(der)}
		m["endorsements"] = endorsements
		m["issuer"] = "https://api.botframework.com"
	}
	return m
}

func jwksDoc(t testing.TB, keys ...map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func x509Doc(t testing.TB, kv map[string]*rsa.PrivateKey) []byte {
	m := map[string]string{}
	for kid, k := range kv {
		m[kid] = certPEM(t, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
