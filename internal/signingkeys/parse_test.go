package signingkeys_test

import (
	"crypto/rsa"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"testing"

	"parley/internal/signingkeys"
)

func TestParseJWKS(t *testing.T) {
	a, b := rsaKey(t, 0), rsaKey(t, 1)
	small := map[string]any{"kty": "RSA", "kid": "small", "n": base64.RawURLEncoding.EncodeToString(make([]byte, 64)), "e": "AQAB"}
	mismatch := jwk(t, "mismatch", a, "msteams")
	mismatch["x5c"] = jwk(t, "x", b, "msteams")["x5c"] // x5c of another key
	private := jwk(t, "private", b)
	private["d"] = "AQAB"
	doc := jwksDoc(t,
		jwk(t, "google", a),
		jwk(t, "microsoft", b, "msteams", "skype"),
		jwk(t, "google", b), // a second key with a kid already seen
		small, mismatch, private,
		map[string]any{"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
		map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"},
	)
	keys, err := signingkeys.ParseJWKS(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(keys)); !slices.Equal(got, []string{"google", "microsoft", "private"}) {
		t.Fatalf("kids %v", got)
	}
	if !keys["google"].Public.(*rsa.PublicKey).Equal(&a.PublicKey) {
		t.Error("the first key of a kid did not win")
	}
	if !slices.Equal(keys["microsoft"].Endorsements, []string{"msteams", "skype"}) {
		t.Errorf("endorsements %v", keys["microsoft"].Endorsements)
	}
	for _, bad := range []string{``, `{}`, `{"keys":[]}`, `{"keys":{}}`, `[]`, `{"keys":[{"kty":"oct","k":"AA","kid":"s"}]}`} {
		if _, err := signingkeys.ParseJWKS([]byte(bad)); err == nil {
			t.Errorf("ParseJWKS(%q) accepted", bad)
		}
	}
}

func TestParseX509Map(t *testing.T) {
	a := rsaKey(t, 0)
	keys, err := signingkeys.ParseX509Map(x509Doc(t, map[string]*rsa.PrivateKey{"k1": a}))
	if err != nil {
		t.Fatal(err)
	}
	if !keys["k1"].Public.(*rsa.PublicKey).Equal(&a.PublicKey) {
		t.Fatal("wrong key")
	}
	pemKey := strings.Replace(certPEM(t, a), "CERTIFICATE", "PUBLIC KEY", 2)
	for _, bad := range []string{``, `[]`, `{}`, `{"k":"not pem"}`, `{"k":` + quote(pemKey) + `}`, `{"":` + quote(certPEM(t, a)) + `}`} {
		if _, err := signingkeys.ParseX509Map([]byte(bad)); err == nil {
			t.Errorf("ParseX509Map(%.40q) accepted", bad)
		}
	}
}

func TestParseOpenIDMetadata(t *testing.T) {
	uri, err := signingkeys.ParseOpenIDMetadata([]byte(`{"issuer":"https://api.botframework.com","jwks_uri":"https://login.botframework.com/v1/.well-known/keys"}`))
	if err != nil || uri != "https://login.botframework.com/v1/.well-known/keys" {
		t.Fatalf("%q %v", uri, err)
	}
	for _, bad := range []string{`{}`, `{"jwks_uri":"http://x/keys"}`, `{"jwks_uri":"/keys"}`, `{"jwks_uri":"https://u@x/keys"}`, `nope`} {
		if _, err := signingkeys.ParseOpenIDMetadata([]byte(bad)); err == nil {
			t.Errorf("ParseOpenIDMetadata(%q) accepted", bad)
		}
	}
}

func quote(s string) string {
	return `"` + strings.NewReplacer("\n", `\n`, `"`, `\"`).Replace(s) + `"`
}
