package sqlite

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

const keyColumns = `tenant, purpose, kek_id, wrapped, created`

// PutKey implements store.Store.
func (s *Store) PutKey(ctx context.Context, k store.WrappedKey) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO tenant_keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant, purpose) DO UPDATE SET
			kek_id = excluded.kek_id, wrapped = excluded.wrapped, created = excluded.created`,
		string(k.Tenant), k.Purpose, k.KEKID, k.Wrapped, nanos(k.Created))
	if err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	return nil
}

// CreateKey implements store.Store with insert-if-absent, atomic in SQLite
// and PostgreSQL alike.
func (s *Store) CreateKey(ctx context.Context, k store.WrappedKey) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO tenant_keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant, purpose) DO NOTHING`,
		string(k.Tenant), k.Purpose, k.KEKID, k.Wrapped, nanos(k.Created))
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create key: %w", err)
	} else if n == 0 {
		return fmt.Errorf("create key: %w", store.ErrExists)
	}
	return nil
}

// ReplaceKey implements store.Store as a compare-and-swap on the wrapped
// bytes.
func (s *Store) ReplaceKey(ctx context.Context, k store.WrappedKey, prev []byte) error {
	if prev == nil {
		return errors.New("replace key: no previous wrapped bytes")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE tenant_keys SET kek_id = ?, wrapped = ?
		WHERE tenant = ? AND purpose = ? AND wrapped = ?`,
		k.KEKID, k.Wrapped, string(k.Tenant), k.Purpose, prev)
	if err != nil {
		return fmt.Errorf("replace key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("replace key: %w", err)
	} else if n == 0 {
		return fmt.Errorf("replace key: %w", store.ErrNotFound)
	}
	return nil
}

// Keys implements store.Store.
func (s *Store) Keys(ctx context.Context, tenant core.TenantID) ([]store.WrappedKey, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM tenant_keys WHERE tenant = ? ORDER BY purpose`, string(tenant))
}

// AllKeys implements store.Store.
func (s *Store) AllKeys(ctx context.Context) ([]store.WrappedKey, error) {
	return s.keys(ctx, `SELECT `+keyColumns+` FROM tenant_keys ORDER BY tenant, purpose`)
}

func (s *Store) keys(ctx context.Context, query string, args ...any) ([]store.WrappedKey, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer rows.Close()
	var out []store.WrappedKey
	for rows.Next() {
		var k store.WrappedKey
		var created int64
		if err := rows.Scan(&k.Tenant, &k.Purpose, &k.KEKID, &k.Wrapped, &created); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		k.Created = fromNanos(created)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return out, nil
}

// DeleteKeys implements store.Store.
func (s *Store) DeleteKeys(ctx context.Context, tenant core.TenantID) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tenant_keys WHERE tenant = ?`, string(tenant)); err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	return nil
}
