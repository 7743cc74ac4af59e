package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// PutLink implements store.Store. The whole replacement happens in one
// transaction, so readers never see a link with half its channels.
func (s *Store) PutLink(ctx context.Context, l store.Link) error {
	if l.ID == "" {
		return errors.New("put link: empty id")
	}
	seen := make(map[core.ChannelRef]bool, len(l.Channels))
	for _, c := range l.Channels {
		if seen[c] {
			return fmt.Errorf("put link: channel listed twice: %w", store.ErrConflict)
		}
		seen[c] = true
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tenantExists(ctx, tx, l.Tenant); err != nil {
			return err
		}
		for _, c := range l.Channels {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT link FROM link_channels
				WHERE tenant = ? AND platform = ? AND workspace = ? AND channel = ? AND link <> ?`,
				string(l.Tenant), string(c.Platform), string(c.Workspace), string(c.Channel), string(l.ID)).Scan(&other)
			if err == nil {
				return fmt.Errorf("channel already in link %q: %w", other, store.ErrConflict)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO links (tenant, id, name, origin) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, origin = excluded.origin`,
			string(l.Tenant), string(l.ID), l.Name, string(l.Origin)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM link_channels WHERE tenant = ? AND link = ?`,
			string(l.Tenant), string(l.ID)); err != nil {
			return err
		}
		for i, c := range l.Channels {
			if _, err := tx.ExecContext(ctx, `INSERT INTO link_channels
				(tenant, link, position, platform, workspace, channel) VALUES (?, ?, ?, ?, ?, ?)`,
				string(l.Tenant), string(l.ID), i, string(c.Platform), string(c.Workspace), string(c.Channel)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put link: %w", err)
	}
	return nil
}

// Links implements store.Store.
func (s *Store) Links(ctx context.Context, tenant core.TenantID) ([]store.Link, error) {
	return s.links(ctx, `WHERE l.tenant = ?`, string(tenant))
}

// AllLinks implements store.Store.
func (s *Store) AllLinks(ctx context.Context) ([]store.Link, error) {
	return s.links(ctx, ``)
}

// links reads links with their channels in one query; a link without
// channels still appears thanks to the outer join.
func (s *Store) links(ctx context.Context, where string, args ...any) ([]store.Link, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.tenant, l.id, l.name, l.origin, c.platform, c.workspace, c.channel
		FROM links l LEFT JOIN link_channels c ON c.tenant = l.tenant AND c.link = l.id `+where+`
		ORDER BY l.tenant, l.id, c.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []store.Link
	for rows.Next() {
		var tenant, id, name, origin string
		var platform, workspace, channel sql.NullString
		if err := rows.Scan(&tenant, &id, &name, &origin, &platform, &workspace, &channel); err != nil {
			return nil, fmt.Errorf("links: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].Tenant != core.TenantID(tenant) || out[n-1].ID != core.LinkID(id) {
			out = append(out, store.Link{ID: core.LinkID(id), Tenant: core.TenantID(tenant), Name: name, Origin: store.Origin(origin)})
		}
		if platform.Valid {
			l := &out[len(out)-1]
			l.Channels = append(l.Channels, core.ChannelRef{
				Platform:  core.Platform(platform.String),
				Workspace: core.WorkspaceID(workspace.String),
				Channel:   core.ChannelID(channel.String),
			})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	return out, nil
}

// DeleteLink implements store.Store; its channels go by cascade.
func (s *Store) DeleteLink(ctx context.Context, tenant core.TenantID, id core.LinkID) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM link_channels WHERE tenant = ? AND link = ?`, string(tenant), string(id)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM links WHERE tenant = ? AND id = ?`, string(tenant), string(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete link: %w", err)
	}
	return nil
}
