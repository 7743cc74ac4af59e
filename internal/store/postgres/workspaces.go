package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

const workspaceColumns = `tenant, platform, id, name, credentials, healthy, updated, origin`

// PutWorkspace implements store.Store in one statement whose constraints
// are the checks: the foreign key to tenants (a tenant deleted meanwhile by
// another node gains no workspace) and the unique index on (platform, id)
// (of two tenants claiming one workspace at once, one wins).
func (s *Store) PutWorkspace(ctx context.Context, w store.Workspace) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO workspaces (`+workspaceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant, platform, id) DO UPDATE SET
			name = excluded.name, credentials = excluded.credentials,
			healthy = excluded.healthy, updated = excluded.updated, origin = excluded.origin`,
		string(w.Tenant), string(w.Platform), string(w.ID), w.Name,
		w.Credentials, w.Healthy, nanos(w.Updated), string(w.Origin))
	if violates(err, foreignKeyViolation) {
		return fmt.Errorf("put workspace: tenant %q: %w", w.Tenant, store.ErrNotFound)
	}
	if violates(err, uniqueViolation) {
		return fmt.Errorf("put workspace: %s/%s already belongs to another tenant: %w", w.Platform, w.ID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("put workspace: %w", err)
	}
	return nil
}

// Workspaces implements store.Store.
func (s *Store) Workspaces(ctx context.Context, tenant core.TenantID) ([]store.Workspace, error) {
	return s.workspaces(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE tenant = $1 ORDER BY platform, id`, string(tenant))
}

// AllWorkspaces implements store.Store.
func (s *Store) AllWorkspaces(ctx context.Context) ([]store.Workspace, error) {
	return s.workspaces(ctx, `SELECT `+workspaceColumns+` FROM workspaces ORDER BY tenant, platform, id`)
}

func (s *Store) workspaces(ctx context.Context, query string, args ...any) ([]store.Workspace, error) {
	rows, _ := s.pool.Query(ctx, query, args...)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Workspace, error) {
		var w store.Workspace
		var tenant, platform, id, origin string
		var updated int64
		err := r.Scan(&tenant, &platform, &id, &w.Name, &w.Credentials, &w.Healthy, &updated, &origin)
		w.Tenant, w.Platform, w.ID, w.Updated = core.TenantID(tenant), core.Platform(platform), core.WorkspaceID(id), fromNanos(updated)
		w.Origin = store.Origin(origin)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("workspaces: %w", err)
	}
	return out, nil
}

// DeleteWorkspace implements store.Store: the workspace and its channels
// in links go in one transaction, then the tables are vacuumed.
func (s *Store) DeleteWorkspace(ctx context.Context, tenant core.TenantID, p core.Platform, id core.WorkspaceID) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM workspaces WHERE tenant = $1 AND platform = $2 AND id = $3`, string(tenant), string(p), string(id))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		_, err = tx.Exec(ctx, `DELETE FROM link_channels WHERE tenant = $1 AND platform = $2 AND workspace = $3`, string(tenant), string(p), string(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	if err := s.shred(ctx, "workspaces", "link_channels"); err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	return nil
}
