package teams

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"sync"
	"time"

	"parley/internal/emulator/idp"
	"parley/internal/emulator/rsakey"
)

// IssuerBotFramework is the iss of activity JWTs, as on the real service.
const IssuerBotFramework = "https://api.botframework.com"

// keyRetention is how long a rotated-out key stays in the JWKS, so bots
// holding a cached copy keep validating in-flight activities. Microsoft
// publishes new keys ahead of use and keeps old ones for days; a day is
// enough for tests and the sandbox.
const keyRetention = 24 * time.Hour

// maxKeys bounds the JWKS even if RotateSigningKey is called in a loop.
const maxKeys = 5

type signingKey struct {
	kid     string
	x5t     string
	priv    *rsa.PrivateKey
	cert    []byte // DER, self-signed, for x5c
	retired time.Time
}

// keyRing holds the Bot Framework signing keys (activities to bots) and
// the key that signs access tokens the emulated login service issues.
type keyRing struct {
	// now is Microsoft's time (retention of retired keys); wall stamps the
	// certificates, which receivers check on their own clocks.
	now, wall func() time.Time

	mu     sync.Mutex
	keys   []*signingKey // current last
	tokKey *signingKey
}

func newKeyRing(now, wall func() time.Time) *keyRing {
	return &keyRing{now: now, wall: wall}
}

// 2048-bit RSA, as Microsoft's keys; generation is lazy so New does no
// expensive work for emulators that never sign.
func newSigningKey(now time.Time) *signingKey {
	priv := rsakey.Take()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(randUint64())),
		Subject:      pkix.Name{CommonName: "login.botframework.com"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(5 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		panic("teams emulator: self-signed certificate: " + err.Error()) // only fails on a bad template
	}
	sum := sha1.Sum(der)
	x5t := base64.RawURLEncoding.EncodeToString(sum[:])
	// Microsoft's kid equals the x5t thumbprint.
	return &signingKey{kid: x5t, x5t: x5t, priv: priv, cert: der}
}

// current returns the key that signs activities now.
func (k *keyRing) current() *signingKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		k.keys = append(k.keys, newSigningKey(k.wall()))
	}
	return k.keys[len(k.keys)-1]
}

// rotate starts signing with a new key; the old one is retired but stays
// published for keyRetention.
func (k *keyRing) rotate() {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	if len(k.keys) > 0 {
		k.keys[len(k.keys)-1].retired = now
	}
	k.keys = append(k.keys, newSigningKey(k.wall()))
	live := k.keys[:0]
	for _, key := range k.keys {
		if key.retired.IsZero() || now.Sub(key.retired) < keyRetention {
			live = append(live, key)
		}
	}
	if len(live) > maxKeys {
		live = live[len(live)-maxKeys:]
	}
	k.keys = live
}

// tokenKey returns the key that signs issued access tokens.
func (k *keyRing) tokenKey() *signingKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.tokKey == nil {
		k.tokKey = newSigningKey(k.wall())
	}
	return k.tokKey
}

// jwks renders the published Bot Framework keys. Every key carries the
// endorsements Microsoft's do: the channel IDs it may sign for.
func (k *keyRing) jwks() map[string]any {
	k.current() // make sure one exists
	k.mu.Lock()
	defer k.mu.Unlock()
	keys := make([]any, 0, len(k.keys))
	for _, key := range k.keys {
		keys = append(keys, jwk(key, []string{"msteams"}))
	}
	return map[string]any{"keys": keys}
}

func jwk(key *signingKey, endorsements []string) map[string]any {
	pub := key.priv.PublicKey
	m := map[string]any{
		"kty": "RSA",
		"use": "sig",
		"kid": key.kid,
		"x5t": key.x5t,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"x5c": []string{base64.StdEncoding.EncodeToString(key.cert)},
	}
	if endorsements != nil {
		m["endorsements"] = endorsements
	}
	return m
}

// signJWT makes an RS256 JWS over claims with key, header fields as
// Microsoft's tokens have them (typ, alg, x5t, kid).
func signJWT(key *signingKey, claims map[string]any) string {
	return idp.SignRS256(key.priv, map[string]any{"x5t": key.x5t, "kid": key.kid}, claims)
}

// activityToken is the bearer token on an activity POSTed to a bot: what
// the Bot Connector sends. Its service URL claim is "serviceurl", all
// lowercase, as botframework-connector's AuthenticationConstants expects.
func (e *Emulator) activityToken(appID, serviceURL string) string {
	now := e.base.Wall() // the bot checks nbf and exp on its own clock
	return signJWT(e.keys.current(), map[string]any{
		"serviceurl": serviceURL,
		"nbf":        now.Add(-5 * time.Minute).Unix(),
		"exp":        now.Add(time.Hour).Unix(),
		"iss":        IssuerBotFramework,
		"aud":        appID,
	})
}

// RotateSigningKey makes a new key sign activities from now on; the old
// key stays in the JWKS for a day so cached key sets keep working.
func (e *Emulator) RotateSigningKey() { e.keys.rotate() }

// SigningKeyID is the kid of the key that signs activities now.
func (e *Emulator) SigningKeyID() string { return e.keys.current().kid }
