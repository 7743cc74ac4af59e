// Package reactionstore keeps a connector's reaction state (which emoji,
// how many, the ID of the card that shows them) in the store, so that a
// platform that cannot take reactions, where Parley draws them, goes on
// counting after a restart. A record is sealed with the tenant's data key
// and found by a blind index of the platform, channel and message, so the
// database holds no platform ID in the clear and shredding the tenant's
// key makes every record unreadable. It reuses the store's sealed cursor
// records: a key per message, a sealed value, an update time.
package reactionstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/vault"
)

// Store keeps one platform's reaction state. Create it with New.
type Store struct {
	platform core.Platform
	store    store.Store
	vault    *vault.Vault
	now      func() time.Time
}

// New returns a Store for platform's records; no I/O.
func New(p core.Platform, s store.Store, v *vault.Vault) *Store {
	return &Store{platform: p, store: s, vault: v, now: time.Now}
}

func (s *Store) key(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID) (string, error) {
	return s.vault.Index(ctx, tenant, "reactions", string(s.platform), string(ch), string(id))
}

// LoadReactions returns the state saved for a message, or false.
func (s *Store) LoadReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID) ([]byte, bool, error) {
	k, err := s.key(ctx, tenant, ch, id)
	if err != nil {
		return nil, false, err
	}
	rec, err := s.store.Cursor(ctx, tenant, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load reactions: %w", err)
	}
	plain, err := s.vault.Open(ctx, tenant, rec.Sealed, []byte("reactions|"+k))
	if err != nil {
		return nil, false, fmt.Errorf("load reactions: %w", err)
	}
	return plain, true, nil
}

// SaveReactions replaces the state saved for a message.
func (s *Store) SaveReactions(ctx context.Context, tenant core.TenantID, ch core.ChannelID, id core.MessageID, state []byte) error {
	k, err := s.key(ctx, tenant, ch, id)
	if err != nil {
		return err
	}
	sealed, err := s.vault.Seal(ctx, tenant, state, []byte("reactions|"+k))
	if err != nil {
		return fmt.Errorf("save reactions: %w", err)
	}
	if err := s.store.PutCursor(ctx, store.Cursor{Tenant: tenant, Key: k, Sealed: sealed, Updated: s.now()}); err != nil {
		return fmt.Errorf("save reactions: %w", err)
	}
	return nil
}
