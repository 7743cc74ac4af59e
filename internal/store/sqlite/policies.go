package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// PutPolicy implements store.Store.
func (s *Store) PutPolicy(ctx context.Context, p store.Policy) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tenantExists(ctx, tx, p.Tenant); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO policies (tenant, sealed, updated) VALUES (?, ?, ?)
			ON CONFLICT (tenant) DO UPDATE SET sealed = excluded.sealed, updated = excluded.updated`,
			string(p.Tenant), p.Sealed, nanos(p.Updated))
		return err
	})
	if err != nil {
		return fmt.Errorf("put policy: %w", err)
	}
	return nil
}

// Policy implements store.Store.
func (s *Store) Policy(ctx context.Context, tenant core.TenantID) (store.Policy, error) {
	ps, err := s.policies(ctx, `SELECT tenant, sealed, updated FROM policies WHERE tenant = ?`, string(tenant))
	if err != nil {
		return store.Policy{}, err
	}
	if len(ps) == 0 {
		return store.Policy{}, fmt.Errorf("policy: %w", store.ErrNotFound)
	}
	return ps[0], nil
}

// AllPolicies implements store.Store.
func (s *Store) AllPolicies(ctx context.Context) ([]store.Policy, error) {
	return s.policies(ctx, `SELECT tenant, sealed, updated FROM policies ORDER BY tenant`)
}

func (s *Store) policies(ctx context.Context, q string, args ...any) ([]store.Policy, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	defer rows.Close()
	var out []store.Policy
	for rows.Next() {
		var p store.Policy
		var updated int64
		if err := rows.Scan(&p.Tenant, &p.Sealed, &updated); err != nil {
			return nil, fmt.Errorf("policies: %w", err)
		}
		p.Updated = fromNanos(updated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policies: %w", err)
	}
	return out, nil
}
