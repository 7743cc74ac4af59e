package vault

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// Errors returned by the vault.
var (
	// ErrShredded: the tenant has no key, because it was shredded (or never
	// sealed anything). What was sealed for it can never be opened again.
	ErrShredded = errors.New("tenant key shredded")
	// ErrCorrupt: the sealed bytes are malformed, were tampered with, belong
	// to another tenant, or were sealed with different associated data.
	ErrCorrupt = errors.New("sealed value cannot be opened")
)

// sealVersion is the first byte of every sealed value, so the format can
// change later without guessing.
const sealVersion = 1

// Vault seals and indexes tenant data with per-tenant keys. It is safe for
// concurrent use, and several processes may share one store and KEK.
type Vault struct {
	kek  KEK
	keys store.Store
	now  func() time.Time

	mu    sync.Mutex // guards slots and pseudo
	slots map[slotID]*slot

	pseudo []byte
}

// New returns a vault over kek and the store holding wrapped keys. It does
// no I/O; keys are fetched or created on first use.
func New(kek KEK, keys store.Store) *Vault {
	v := &Vault{kek: kek, keys: keys, now: time.Now, slots: map[slotID]*slot{}}
	if p, ok := kek.(PseudonymKeyer); ok {
		v.pseudo = p.PseudonymKey()
	} else {
		// Until LoadPseudonymKey runs, pseudonyms are keyed per process:
		// never reversible, merely not comparable across processes.
		v.pseudo = make([]byte, keyLen)
		rand.Read(v.pseudo)
	}
	return v
}

// Seal encrypts plaintext for the tenant with AES-256-GCM under its data
// key, creating that key on first use. aad is authenticated but not
// stored: Open must be given the same bytes (for instance the record's
// purpose and ID), so a sealed value cannot be moved to another record.
// Output: version byte, 12-byte nonce, ciphertext and tag.
func (v *Vault) Seal(ctx context.Context, tenant core.TenantID, plaintext, aad []byte) ([]byte, error) {
	aead, err := v.aeadFor(ctx, tenant, true)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return sealWith(aead, tenant, plaintext, aad)
}

func seal(key []byte, tenant core.TenantID, plaintext, aad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return sealWith(aead, tenant, plaintext, aad)
}

func sealWith(aead cipher.AEAD, tenant core.TenantID, plaintext, aad []byte) ([]byte, error) {
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	nonce := out[1:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return aead.Seal(out, nonce, plaintext, sealAAD(tenant, aad)), nil
}

// Open decrypts what Seal produced for the same tenant and aad. It returns
// ErrShredded when the tenant's key is gone and ErrCorrupt when the bytes do
// not authenticate; it never panics on arbitrary input.
func (v *Vault) Open(ctx context.Context, tenant core.TenantID, sealed, aad []byte) ([]byte, error) {
	if len(sealed) == 0 || sealed[0] != sealVersion {
		return nil, fmt.Errorf("open: unknown format: %w", ErrCorrupt)
	}
	aead, err := v.aeadFor(ctx, tenant, false)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return openWith(aead, tenant, sealed, aad)
}

func open(key []byte, tenant core.TenantID, sealed, aad []byte) ([]byte, error) {
	if len(sealed) == 0 || sealed[0] != sealVersion {
		return nil, fmt.Errorf("open: unknown format: %w", ErrCorrupt)
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return openWith(aead, tenant, sealed, aad)
}

func openWith(aead cipher.AEAD, tenant core.TenantID, sealed, aad []byte) ([]byte, error) {
	if len(sealed) == 0 || sealed[0] != sealVersion {
		return nil, fmt.Errorf("open: unknown format: %w", ErrCorrupt)
	}
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() {
		return nil, fmt.Errorf("open: too short: %w", ErrCorrupt)
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], sealAAD(tenant, aad))
	if err != nil {
		return nil, fmt.Errorf("open: %w", ErrCorrupt)
	}
	return plain, nil
}

// sealAAD binds the tenant into the authenticated data, so bytes sealed for
// one tenant fail to open as another's even if keys were ever mixed up.
func sealAAD(tenant core.TenantID, aad []byte) []byte {
	b := []byte("parley-seal-v1")
	b = appendPart(b, string(tenant))
	return appendPart(b, string(aad))
}

// appendPart appends s with a length prefix, so that a list of parts has one
// encoding only ("ab","c" differs from "a","bc").
func appendPart(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
