package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

const workspaceColumns = `tenant, platform, id, name, credentials, healthy, updated, origin`

// PutWorkspace implements store.Store.
func (s *Store) PutWorkspace(ctx context.Context, w store.Workspace) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tenantExists(ctx, tx, w.Tenant); err != nil {
			return err
		}
		// The unique index (platform, id) is the guard; asking first
		// gives the error its meaning.
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspaces WHERE platform = ? AND id = ? AND tenant <> ?`,
			string(w.Platform), string(w.ID), string(w.Tenant)).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return fmt.Errorf("workspace %s/%s already belongs to another tenant: %w", w.Platform, w.ID, store.ErrConflict)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO workspaces (`+workspaceColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant, platform, id) DO UPDATE SET
				name = excluded.name, credentials = excluded.credentials,
				healthy = excluded.healthy, updated = excluded.updated, origin = excluded.origin`,
			string(w.Tenant), string(w.Platform), string(w.ID), w.Name,
			w.Credentials, w.Healthy, nanos(w.Updated), string(w.Origin))
		return err
	})
	if err != nil {
		return fmt.Errorf("put workspace: %w", err)
	}
	return nil
}

// Workspaces implements store.Store.
func (s *Store) Workspaces(ctx context.Context, tenant core.TenantID) ([]store.Workspace, error) {
	return s.workspaces(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE tenant = ? ORDER BY platform, id`, string(tenant))
}

// AllWorkspaces implements store.Store.
func (s *Store) AllWorkspaces(ctx context.Context) ([]store.Workspace, error) {
	return s.workspaces(ctx, `SELECT `+workspaceColumns+` FROM workspaces ORDER BY tenant, platform, id`)
}

func (s *Store) workspaces(ctx context.Context, query string, args ...any) ([]store.Workspace, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("workspaces: %w", err)
	}
	defer rows.Close()
	var out []store.Workspace
	for rows.Next() {
		var w store.Workspace
		var updated int64
		if err := rows.Scan(&w.Tenant, &w.Platform, &w.ID, &w.Name, &w.Credentials, &w.Healthy, &updated, &w.Origin); err != nil {
			return nil, fmt.Errorf("workspaces: %w", err)
		}
		w.Updated = fromNanos(updated)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("workspaces: %w", err)
	}
	return out, nil
}

// DeleteWorkspace implements store.Store. The workspace and its channels
// in links go in one transaction; the sealed credentials are destroyed on
// disk (scrub.go).
func (s *Store) DeleteWorkspace(ctx context.Context, tenant core.TenantID, p core.Platform, id core.WorkspaceID) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM workspaces WHERE tenant = ? AND platform = ? AND id = ?`,
			string(tenant), string(p), string(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM link_channels WHERE tenant = ? AND platform = ? AND workspace = ?`,
			string(tenant), string(p), string(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	return nil
}
