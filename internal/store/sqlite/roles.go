package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

const roleColumns = `tenant, person, role, sealed_email, provider, origin, updated`

// PutRole implements store.Store.
func (s *Store) PutRole(ctx context.Context, r store.RoleAssignment) error {
	if r.Person == "" || r.Role == "" {
		return errors.New("put role: empty person or role")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if r.Tenant != store.Installation {
			if err := tenantExists(ctx, tx, r.Tenant); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO roles (`+roleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant, person) DO UPDATE SET role = excluded.role, sealed_email = excluded.sealed_email,
				provider = excluded.provider, origin = excluded.origin, updated = excluded.updated`,
			string(r.Tenant), r.Person, r.Role, r.SealedEmail, r.Provider, string(r.Origin), nanos(r.Updated))
		return err
	})
	if err != nil {
		return fmt.Errorf("put role: %w", err)
	}
	return nil
}

// Roles implements store.Store.
func (s *Store) Roles(ctx context.Context, tenant core.TenantID) ([]store.RoleAssignment, error) {
	return s.roles(ctx, `SELECT `+roleColumns+` FROM roles WHERE tenant = ? ORDER BY person`, string(tenant))
}

// RolesOf implements store.Store.
func (s *Store) RolesOf(ctx context.Context, person string) ([]store.RoleAssignment, error) {
	return s.roles(ctx, `SELECT `+roleColumns+` FROM roles WHERE person = ? ORDER BY tenant`, person)
}

func (s *Store) roles(ctx context.Context, q string, args ...any) ([]store.RoleAssignment, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	defer rows.Close()
	var out []store.RoleAssignment
	for rows.Next() {
		var r store.RoleAssignment
		var updated int64
		if err := rows.Scan(&r.Tenant, &r.Person, &r.Role, &r.SealedEmail, &r.Provider, &r.Origin, &updated); err != nil {
			return nil, fmt.Errorf("roles: %w", err)
		}
		r.Updated = fromNanos(updated)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// DeleteRole implements store.Store; the sealed email is destroyed on
// disk.
func (s *Store) DeleteRole(ctx context.Context, tenant core.TenantID, person string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM roles WHERE tenant = ? AND person = ?`, string(tenant), person)
	if err != nil {
		return fmt.Errorf("delete role: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete role: %w", err)
	} else if n == 0 {
		return fmt.Errorf("delete role: %w", store.ErrNotFound)
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete role: %w", err)
	}
	return nil
}
