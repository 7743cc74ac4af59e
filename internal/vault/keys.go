package vault

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// recheck is how long a cached key is used before the store is asked again
// whether it still exists. It bounds how long another process keeps using a
// key after this one shredded it.
const recheck = 30 * time.Second

// slotID names one tenant key.
type slotID struct {
	tenant  core.TenantID
	purpose string
}

// slot caches one unwrapped key. Its own mutex means loading one tenant's
// key (a store read, maybe a KMS call) never waits for another tenant's.
type slot struct {
	mu      sync.Mutex
	plain   []byte
	wrapped []byte // as last seen in the store, to notice re-creation
	checked time.Time
	// aead is AES-256-GCM under aeadOf, a data key this slot held: made
	// once per key instead of on every seal and open (aeadFor).
	aead   cipher.AEAD
	aeadOf []byte
}

func (v *Vault) slot(id slotID) *slot {
	v.mu.Lock()
	defer v.mu.Unlock()
	s, ok := v.slots[id]
	if !ok {
		s = &slot{}
		v.slots[id] = s
	}
	return s
}

// key returns the tenant's key for purpose, from cache if checked recently,
// else from the store, creating it if create is set and none exists.
func (v *Vault) key(ctx context.Context, tenant core.TenantID, purpose string, create bool) ([]byte, error) {
	if tenant == "" {
		return nil, errors.New("empty tenant")
	}
	return v.loadKey(ctx, slotID{tenant, purpose}, create)
}

func (v *Vault) loadKey(ctx context.Context, id slotID, create bool) ([]byte, error) {
	s := v.slot(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := v.now()
	if s.plain != nil && now.Sub(s.checked) < recheck {
		return s.plain, nil
	}
	// Two passes at most: if another process creates the key between our
	// read and our insert, the second read finds theirs.
	for range 2 {
		wk, err := v.storedKey(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			s.plain, s.wrapped, s.aead, s.aeadOf = nil, nil, nil, nil
			if !create {
				return nil, ErrShredded
			}
			err = v.createKey(ctx, id, s)
			if errors.Is(err, store.ErrExists) {
				continue
			}
			if err != nil {
				return nil, err
			}
			s.checked = now
			return s.plain, nil
		}
		if err != nil {
			return nil, err
		}
		if s.plain == nil || !bytes.Equal(wk.Wrapped, s.wrapped) {
			plain, err := v.kek.Unwrap(ctx, wk.KEKID, wk.Wrapped)
			if err != nil {
				return nil, fmt.Errorf("tenant key: %w", err)
			}
			if len(plain) != keyLen {
				return nil, fmt.Errorf("tenant key is %d bytes, want %d", len(plain), keyLen)
			}
			s.plain = plain
		}
		s.wrapped = wk.Wrapped
		s.checked = now
		return s.plain, nil
	}
	return nil, errors.New("tenant key: created and deleted concurrently; retry")
}

func (v *Vault) storedKey(ctx context.Context, id slotID) (store.WrappedKey, error) {
	ks, err := v.keys.Keys(ctx, id.tenant)
	if err != nil {
		return store.WrappedKey{}, fmt.Errorf("tenant key: %w", err)
	}
	for _, k := range ks {
		if k.Purpose == id.purpose {
			return k, nil
		}
	}
	return store.WrappedKey{}, store.ErrNotFound
}

// createKey makes a fresh random key, wraps it and inserts it if absent.
func (v *Vault) createKey(ctx context.Context, id slotID, s *slot) error {
	plain := make([]byte, keyLen)
	if _, err := rand.Read(plain); err != nil {
		return fmt.Errorf("new tenant key: %w", err)
	}
	kekID, wrapped, err := v.kek.Wrap(ctx, plain)
	if err != nil {
		return fmt.Errorf("new tenant key: %w", err)
	}
	err = v.keys.CreateKey(ctx, store.WrappedKey{
		Tenant: id.tenant, Purpose: id.purpose, KEKID: kekID, Wrapped: wrapped, Created: v.now(),
	})
	if err != nil {
		return fmt.Errorf("new tenant key: %w", err)
	}
	s.plain, s.wrapped = plain, wrapped
	return nil
}

// forget drops the cached keys of a tenant.
func (v *Vault) forget(tenant core.TenantID) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for id := range v.slots {
		if id.tenant == tenant {
			delete(v.slots, id)
		}
	}
}

// aeadFor returns AES-256-GCM under the tenant's data key (creating the
// key when create is set), built once per key rather than per call: the
// cipher's key schedule and GCM tables cost more than sealing a short
// message. A key that changes (re-created after a shred, say) gets a new
// one; a shredded key's is dropped with it.
func (v *Vault) aeadFor(ctx context.Context, tenant core.TenantID, create bool) (cipher.AEAD, error) {
	key, err := v.key(ctx, tenant, store.PurposeData, create)
	if err != nil {
		return nil, err
	}
	s := v.slot(slotID{tenant, store.PurposeData})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aead != nil && bytes.Equal(s.aeadOf, key) {
		return s.aead, nil
	}
	a, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(s.plain, key) { // not forgotten meanwhile: keep it with its key
		s.aead, s.aeadOf = a, key
	}
	return a, nil
}
