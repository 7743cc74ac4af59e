package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// PutCursor implements store.Store.
func (s *Store) PutCursor(ctx context.Context, c store.Cursor) error {
	if c.Key == "" {
		return errors.New("put cursor: empty key")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Stmt(s.st.putCursor).Exec(string(c.Tenant), c.Key, c.Sealed, nanos(c.Updated))
		return err
	})
	if err != nil {
		return fmt.Errorf("put cursor: %w", err)
	}
	return nil
}

// Cursor implements store.Store.
func (s *Store) Cursor(ctx context.Context, tenant core.TenantID, key string) (store.Cursor, error) {
	c := store.Cursor{Tenant: tenant, Key: key}
	var updated int64
	err := s.st.cursor.QueryRowContext(ctx, string(tenant), key).
		Scan(&c.Sealed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Cursor{}, fmt.Errorf("cursor: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Cursor{}, fmt.Errorf("cursor: %w", err)
	}
	c.Updated = fromNanos(updated)
	return c, nil
}
