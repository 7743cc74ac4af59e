package teams

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify: whatever arrives in the Authorization header, verification
// neither panics nor accepts a token it cannot check, and it does no I/O
// for unknown keys inside the refresh spacing.
func FuzzVerify(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keys" {
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]any{
				"kty": "RSA", "kid": "k", "endorsements": []string{"msteams"},
				"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()), "e": "AQAB",
			}}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"jwks_uri": srv.URL + "/keys"})
	}))
	f.Cleanup(srv.Close)
	// The clock stands still: after the first fetch no refresh is ever
	// due, so the fuzzed tokens cause no I/O.
	ks := newKeys(Config{OpenIDMetadataURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now }})
	v := &verifier{keys: ks, issuer: "https://api.botframework.com", appID: "app", now: func() time.Time { return now }}

	good := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": "https://api.botframework.com", "aud": "app", "exp": now.Add(time.Hour).Unix(), "serviceurl": "https://s/",
	})
	good.Header["kid"] = "k"
	tok, err := good.SignedString(key)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := v.verify(context.Background(), "Bearer "+tok); err != nil {
		f.Fatalf("the seed token does not verify: %v", err)
	}
	f.Add("Bearer " + tok)
	f.Add("Bearer eyJhbGciOiJub25lIiwia2lkIjoiayJ9.e30.")
	f.Add("Bearer a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, authz string) {
		got, err := v.verify(context.Background(), authz)
		// Only the seed's signature verifies, so anything accepted is the
		// seed (up to base64 malleability) and vouches for its serviceurl.
		if err == nil && got.serviceURL != "https://s/" {
			t.Fatalf("accepted %q vouching for %q", authz, got.serviceURL)
		}
	})
}
