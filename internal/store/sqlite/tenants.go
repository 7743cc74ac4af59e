package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// CreateTenant implements store.Store.
func (s *Store) CreateTenant(ctx context.Context, t store.Tenant) error {
	if t.ID == "" {
		return errors.New("create tenant: empty id")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := tenantExists(ctx, tx, t.ID); err == nil {
			return fmt.Errorf("create tenant: %w", store.ErrExists)
		} else if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("create tenant: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, name, created) VALUES (?, ?, ?)`,
			string(t.ID), t.Name, nanos(t.Created))
		if err != nil {
			return fmt.Errorf("create tenant: %w", err)
		}
		return nil
	})
}

// Tenant implements store.Store.
func (s *Store) Tenant(ctx context.Context, id core.TenantID) (store.Tenant, error) {
	var t store.Tenant
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, created FROM tenants WHERE id = ?`, string(id)).
		Scan(&t.ID, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Tenant{}, fmt.Errorf("tenant: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Tenant{}, fmt.Errorf("tenant: %w", err)
	}
	t.Created = fromNanos(created)
	return t, nil
}

// Tenants implements store.Store.
func (s *Store) Tenants(ctx context.Context) ([]store.Tenant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	defer rows.Close()
	var out []store.Tenant
	for rows.Next() {
		var t store.Tenant
		var created int64
		if err := rows.Scan(&t.ID, &t.Name, &created); err != nil {
			return nil, fmt.Errorf("tenants: %w", err)
		}
		t.Created = fromNanos(created)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	return out, nil
}

// DeleteTenant implements store.Store. Workspaces and links go by cascade;
// keys and copies, which have no foreign key, are deleted explicitly in the
// same transaction.
func (s *Store) DeleteTenant(ctx context.Context, id core.TenantID) error {
	if id == store.Installation {
		return errors.New("delete tenant: empty id (the installation scope is not a tenant)")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM tenant_keys WHERE tenant = ?`,
			`DELETE FROM copies WHERE tenant = ?`,
			`DELETE FROM traffic WHERE tenant = ?`,
			`DELETE FROM cursors WHERE tenant = ?`,
			`DELETE FROM dead_letters WHERE tenant = ?`,
			`DELETE FROM roles WHERE tenant = ?`,
			`DELETE FROM audit_log WHERE tenant = ?`,
			`DELETE FROM policies WHERE tenant = ?`,
			`DELETE FROM alerts WHERE tenant = ?`,
			`DELETE FROM quarantines WHERE tenant = ?`,
			`DELETE FROM link_channels WHERE tenant = ?`,
			`DELETE FROM links WHERE tenant = ?`,
			`DELETE FROM workspaces WHERE tenant = ?`,
			`DELETE FROM tenants WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, string(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	return nil
}

// tenantExists returns nil if the tenant exists, store.ErrNotFound if not.
func tenantExists(ctx context.Context, tx *sql.Tx, id core.TenantID) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants WHERE id = ?`, string(id)).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("tenant %q: %w", id, store.ErrNotFound)
	}
	return nil
}
