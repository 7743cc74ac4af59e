package gchat

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// Key refresh policy: keys are kept for keyTTL; an unknown kid triggers a
// refresh, but no more often than minRefresh, so forged kids cannot make us
// hammer Google.
const (
	keyTTL     = time.Hour
	minRefresh = time.Minute
	maxKeyDoc  = 1 << 20
)

// keyFormat says how a key document is encoded.
type keyFormat int

const (
	x509Certs keyFormat = iota // {"kid": "-----BEGIN CERTIFICATE-----…"}
	jwks                       // {"keys": [{"kid", "n", "e", …}]}
)

// keySet caches the RSA public keys published at one URL.
type keySet struct {
	url    string
	format keyFormat
	http   *http.Client
	now    func() time.Time

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

func newKeySet(url string, f keyFormat, hc *http.Client, now func() time.Time) *keySet {
	return &keySet{url: url, format: f, http: hc, now: now}
}

// key returns the public key for kid, fetching the document when the cache
// is stale or lacks kid.
func (s *keySet) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if k, ok := s.keys[kid]; ok && now.Sub(s.fetched) < keyTTL {
		return k, nil
	}
	if s.keys == nil || now.Sub(s.fetched) >= minRefresh {
		keys, err := s.fetch(ctx)
		if err != nil {
			return nil, err
		}
		s.keys, s.fetched = keys, now
	}
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return nil, errors.New("unknown signing key")
}

func (s *keySet) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch signing keys: %w", err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch signing keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch signing keys: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyDoc))
	if err != nil {
		return nil, fmt.Errorf("fetch signing keys: %w", err)
	}
	if s.format == jwks {
		return parseJWKS(body)
	}
	return parseX509Certs(body)
}

func parseX509Certs(body []byte) (map[string]*rsa.PublicKey, error) {
	var doc map[string]string
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse x509 key document: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(doc))
	for kid, p := range doc {
		block, _ := pem.Decode([]byte(p))
		if block == nil {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			keys[kid] = k
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("parse x509 key document: no RSA certificates")
	}
	return keys, nil
}

func parseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	var doc struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse JWKS: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(doc.Keys))
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || k.Kid == "" {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		if exp < 3 {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	}
	if len(keys) == 0 {
		return nil, errors.New("parse JWKS: no RSA keys")
	}
	return keys, nil
}
