package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// CreateTenant implements store.Store; the primary key picks the one
// creator of an ID.
func (s *Store) CreateTenant(ctx context.Context, t store.Tenant) error {
	if t.ID == "" {
		return errors.New("create tenant: empty id")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO tenants (id, name, created) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, string(t.ID), t.Name, nanos(t.Created))
	if err != nil {
		return fmt.Errorf("create tenant: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("create tenant: %w", store.ErrExists)
	}
	return nil
}

// Tenant implements store.Store.
func (s *Store) Tenant(ctx context.Context, id core.TenantID) (store.Tenant, error) {
	var t store.Tenant
	var tid string
	var created int64
	err := s.pool.QueryRow(ctx, `SELECT id, name, created FROM tenants WHERE id = $1`, string(id)).
		Scan(&tid, &t.Name, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Tenant{}, fmt.Errorf("tenant: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Tenant{}, fmt.Errorf("tenant: %w", err)
	}
	t.ID, t.Created = core.TenantID(tid), fromNanos(created)
	return t, nil
}

// Tenants implements store.Store.
func (s *Store) Tenants(ctx context.Context) ([]store.Tenant, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, name, created FROM tenants ORDER BY id`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Tenant, error) {
		var t store.Tenant
		var id string
		var created int64
		err := r.Scan(&id, &t.Name, &created)
		t.ID, t.Created = core.TenantID(id), fromNanos(created)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	return out, nil
}

// DeleteTenant implements store.Store. Workspaces and links go by cascade;
// the rest, which has no foreign key, is deleted explicitly in the same
// transaction. Then the tables are vacuumed (shred.go), the keys' table
// rewritten.
func (s *Store) DeleteTenant(ctx context.Context, id core.TenantID) error {
	if id == store.Installation {
		return errors.New("delete tenant: empty id (the installation scope is not a tenant)")
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM tenant_keys WHERE tenant = $1`,
			`DELETE FROM copies WHERE tenant = $1`,
			`DELETE FROM traffic WHERE tenant = $1`,
			`DELETE FROM cursors WHERE tenant = $1`,
			`DELETE FROM dead_letters WHERE tenant = $1`,
			`DELETE FROM roles WHERE tenant = $1`,
			`DELETE FROM audit_log WHERE tenant = $1`,
			`DELETE FROM policies WHERE tenant = $1`,
			`DELETE FROM alerts WHERE tenant = $1`,
			`DELETE FROM quarantines WHERE tenant = $1`,
			`DELETE FROM link_channels WHERE tenant = $1`,
			`DELETE FROM links WHERE tenant = $1`,
			`DELETE FROM workspaces WHERE tenant = $1`,
			`DELETE FROM tenants WHERE id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, string(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	if err := s.shred(ctx, tenantTables...); err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	return nil
}
