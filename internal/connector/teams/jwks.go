package teams

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"sync"
	"time"
)

const (
	// keysMaxAge: Microsoft asks bots to refresh the key set at least daily.
	keysMaxAge = 24 * time.Hour
	// keysMinRefresh bounds refreshes caused by unknown kids, so forged
	// tokens cannot make us hammer the metadata endpoint.
	keysMinRefresh = 5 * time.Second
	// maxKeyDoc caps the metadata and key documents.
	maxKeyDoc = 1 << 20
)

var errUnknownKey = errors.New("unknown signing key")

// signingKey is one published key and the channels it may sign for.
type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

// keySet fetches and caches the Bot Framework signing keys.
type keySet struct {
	http        *http.Client
	metadataURL string
	now         func() time.Time

	fetchMu sync.Mutex // one fetch at a time; held across the I/O

	mu          sync.Mutex // guards the fields below, never held across I/O
	keys        map[string]signingKey
	fetched     time.Time
	lastAttempt time.Time
}

func newKeySet(hc *http.Client, metadataURL string, now func() time.Time) *keySet {
	return &keySet{http: hc, metadataURL: metadataURL, now: now}
}

// key returns the key with this kid, refreshing the set when it is stale
// or does not know the kid (a rotation), but not more often than
// keysMinRefresh.
func (k *keySet) key(ctx context.Context, kid string) (signingKey, error) {
	if key, ok, fresh := k.cached(kid); ok && fresh {
		return key, nil
	}
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	// Another caller may have refreshed while we waited.
	key, ok, fresh := k.cached(kid)
	if ok && fresh {
		return key, nil
	}
	k.mu.Lock()
	tooSoon := k.now().Sub(k.lastAttempt) < keysMinRefresh
	if !tooSoon {
		k.lastAttempt = k.now()
	}
	k.mu.Unlock()
	if tooSoon {
		if ok {
			return key, nil
		}
		return signingKey{}, errUnknownKey
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		if ok {
			// A stale key beats rejecting every activity while the
			// metadata endpoint is down.
			return key, nil
		}
		return signingKey{}, fmt.Errorf("refresh signing keys: %w", err)
	}
	k.mu.Lock()
	k.keys, k.fetched = keys, k.now()
	k.mu.Unlock()
	if key, ok := keys[kid]; ok {
		return key, nil
	}
	return signingKey{}, errUnknownKey
}

func (k *keySet) cached(kid string) (key signingKey, ok, fresh bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok = k.keys[kid]
	return key, ok, k.now().Sub(k.fetched) < keysMaxAge
}

func (k *keySet) fetch(ctx context.Context) (map[string]signingKey, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := k.getJSON(ctx, k.metadataURL, &meta); err != nil {
		return nil, fmt.Errorf("openid metadata: %w", err)
	}
	if meta.JWKSURI == "" {
		return nil, errors.New("openid metadata has no jwks_uri")
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := k.getJSON(ctx, meta.JWKSURI, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	keys := make(map[string]signingKey, len(set.Keys))
	for _, j := range set.Keys {
		pub, err := j.publicKey()
		if err != nil || j.Kid == "" {
			continue // keys we cannot use sign nothing we accept
		}
		keys[j.Kid] = signingKey{pub: pub, endorsements: j.Endorsements}
	}
	if len(keys) == 0 {
		return nil, errors.New("key set has no usable RSA keys")
	}
	return keys, nil
}

func (k *keySet) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, maxKeyDoc)).Decode(v)
}

// jwk is one entry of a JSON Web Key Set, with Microsoft's endorsements.
type jwk struct {
	Kty          string   `json:"kty"`
	Kid          string   `json:"kid"`
	N            string   `json:"n"`
	E            string   `json:"e"`
	X5c          []string `json:"x5c"`
	Endorsements []string `json:"endorsements"`
}

func (j jwk) publicKey() (*rsa.PublicKey, error) {
	if j.Kty != "RSA" {
		return nil, fmt.Errorf("key type %q", j.Kty)
	}
	if j.N != "" && j.E != "" {
		n, err1 := base64.RawURLEncoding.DecodeString(j.N)
		e, err2 := base64.RawURLEncoding.DecodeString(j.E)
		if err1 != nil || err2 != nil || len(e) > 4 || len(n) < 256 {
			return nil, errors.New("bad modulus or exponent")
		}
		exp := new(big.Int).SetBytes(e)
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
	}
	if len(j.X5c) > 0 {
		der, err := base64.StdEncoding.DecodeString(j.X5c[0])
		if err != nil {
			return nil, err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			return pub, nil
		}
	}
	return nil, errors.New("no key material")
}

func (s signingKey) endorses(channel string) bool {
	return slices.Contains(s.endorsements, channel)
}
