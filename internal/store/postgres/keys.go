package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

const keyColumns = `tenant, purpose, kek_id, wrapped, created`

// PutKey implements store.Store.
func (s *Store) PutKey(ctx context.Context, k store.WrappedKey) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO tenant_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant, purpose) DO UPDATE SET
			kek_id = excluded.kek_id, wrapped = excluded.wrapped, created = excluded.created`,
		string(k.Tenant), k.Purpose, k.KEKID, k.Wrapped, nanos(k.Created))
	if err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	return nil
}

// CreateKey implements store.Store: of nodes inserting at once, the primary
// key lets one row in and the others' inserts do nothing.
func (s *Store) CreateKey(ctx context.Context, k store.WrappedKey) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO tenant_keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant, purpose) DO NOTHING`,
		string(k.Tenant), k.Purpose, k.KEKID, k.Wrapped, nanos(k.Created))
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("create key: %w", store.ErrExists)
	}
	return nil
}

// ReplaceKey implements store.Store as a compare-and-swap on the wrapped
// bytes. A concurrent writer of the row makes this UPDATE wait, then
// re-check its WHERE against the row as that writer left it, so a key
// shredded or re-wrapped meanwhile is not overwritten.
func (s *Store) ReplaceKey(ctx context.Context, k store.WrappedKey, prev []byte) error {
	if prev == nil {
		return errors.New("replace key: no previous wrapped bytes")
	}
	tag, err := s.pool.Exec(ctx, `UPDATE tenant_keys SET kek_id = $1, wrapped = $2
		WHERE tenant = $3 AND purpose = $4 AND wrapped = $5`,
		k.KEKID, k.Wrapped, string(k.Tenant), k.Purpose, prev)
	if err != nil {
		return fmt.Errorf("replace key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("replace key: %w", store.ErrNotFound)
	}
	return nil
}

// Keys implements store.Store.
func (s *Store) Keys(ctx context.Context, tenant core.TenantID) ([]store.WrappedKey, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM tenant_keys WHERE tenant = $1 ORDER BY purpose`, string(tenant))
}

// AllKeys implements store.Store.
func (s *Store) AllKeys(ctx context.Context) ([]store.WrappedKey, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM tenant_keys ORDER BY tenant, purpose`)
}

func (s *Store) keys(ctx context.Context, query string, args ...any) ([]store.WrappedKey, error) {
	rows, _ := s.pool.Query(ctx, query, args...)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.WrappedKey, error) {
		var k store.WrappedKey
		var tenant string
		var created int64
		err := r.Scan(&tenant, &k.Purpose, &k.KEKID, &k.Wrapped, &created)
		k.Tenant, k.Created = core.TenantID(tenant), fromNanos(created)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return out, nil
}

// DeleteKeys implements store.Store: crypto-shredding. The delete only
// marks the rows dead, so the keys' table is then rewritten (shred.go).
func (s *Store) DeleteKeys(ctx context.Context, tenant core.TenantID) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM tenant_keys WHERE tenant = $1`, string(tenant)); err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	if err := s.shred(ctx, "tenant_keys"); err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	return nil
}
