package signingkeys_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"testing"

	"parley/internal/signingkeys"
)

// checkKeys is what any parse must guarantee, whatever the input: only
// RSA public keys of at least 2048 bits, each under a non-empty kid.
func checkKeys(t *testing.T, keys map[string]signingkeys.Key, err error) {
	if err != nil {
		if keys != nil {
			t.Fatalf("keys returned with error %v", err)
		}
		return
	}
	if len(keys) == 0 {
		t.Fatal("no keys and no error")
	}
	for kid, k := range keys {
		pub, ok := k.Public.(*rsa.PublicKey)
		if kid == "" || !ok || pub.N.BitLen() < 2048 || pub.E < 2 {
			t.Fatalf("unusable key %q accepted: %T", kid, k.Public)
		}
	}
}

func FuzzParseJWKS(f *testing.F) {
	a, b := rsaKey(f, 0), rsaKey(f, 1)
	f.Add(jwksDoc(f, jwk(f, "google", a), jwk(f, "google2", b)))
	f.Add(jwksDoc(f, jwk(f, "bf", a, "msteams", "skype")))
	f.Add(jwksDoc(f, map[string]any{"kty": "RSA", "kid": "k", "n": base64.RawURLEncoding.EncodeToString(a.N.Bytes()), "e": "AQAB", "x5c": []string{"AAAA"}}))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"k","n":"","e":""}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"AA","y":"AA"},{"kty":"oct","kid":"s","k":"AAAA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"AQAB","p":"AQ","q":"AQ"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`{"keys":[null,1,"x",[]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := signingkeys.ParseJWKS(body)
		checkKeys(t, keys, err)
	})
}

func FuzzParseX509Map(f *testing.F) {
	a := rsaKey(f, 0)
	f.Add(x509Doc(f, map[string]*rsa.PrivateKey{"k1": a}))
	pemText := certPEM(f, a)
	cut, _ := json.Marshal(map[string]string{"k": pemText[:len(pemText)/2]})
	f.Add(cut)
	f.Add([]byte(`{"k":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}`))
	f.Add([]byte(`{"k":"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}`))
	f.Add([]byte(`{"":"x","k":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, err := signingkeys.ParseX509Map(body)
		checkKeys(t, keys, err)
	})
}

func FuzzParseOpenIDMetadata(f *testing.F) {
	f.Add([]byte(`{"issuer":"https://api.botframework.com","jwks_uri":"https://login.botframework.com/v1/.well-known/keys","id_token_signing_alg_values_supported":["RS256"]}`))
	f.Add([]byte(`{"jwks_uri":"http://169.254.169.254/latest"}`))
	f.Add([]byte(`{"jwks_uri":"https://user@host/keys"}`))
	f.Add([]byte(`{"jwks_uri":7}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		uri, err := signingkeys.ParseOpenIDMetadata(body)
		if err == nil && (len(uri) < len("https://x") || uri[:8] != "https://") {
			t.Fatalf("accepted jwks_uri %q", uri)
		}
	})
}
