package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// PutCursor implements store.Store.
func (s *Store) PutCursor(ctx context.Context, c store.Cursor) error {
	if c.Key == "" {
		return errors.New("put cursor: empty key")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO cursors (tenant, idx, sealed, updated) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant, idx) DO UPDATE SET sealed = excluded.sealed, updated = excluded.updated`,
		string(c.Tenant), c.Key, c.Sealed, nanos(c.Updated))
	if err != nil {
		return fmt.Errorf("put cursor: %w", err)
	}
	return nil
}

// Cursor implements store.Store.
func (s *Store) Cursor(ctx context.Context, tenant core.TenantID, key string) (store.Cursor, error) {
	c := store.Cursor{Tenant: tenant, Key: key}
	var updated int64
	err := s.pool.QueryRow(ctx, `SELECT sealed, updated FROM cursors WHERE tenant = $1 AND idx = $2`, string(tenant), key).
		Scan(&c.Sealed, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Cursor{}, fmt.Errorf("cursor: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Cursor{}, fmt.Errorf("cursor: %w", err)
	}
	c.Updated = fromNanos(updated)
	return c, nil
}
