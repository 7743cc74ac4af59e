package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// PutLink implements store.Store. The whole replacement happens in one
// transaction, so readers never see a link with half its channels. The
// query for a channel's other link gives the error its meaning; the
// primary key of link_channels is the guard, and catches a link put at the
// same moment by another node.
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		for _, c := range l.Channels {
			var other string
			err := tx.QueryRow(ctx, `SELECT link FROM link_channels
				WHERE tenant = $1 AND platform = $2 AND workspace = $3 AND channel = $4 AND link <> $5`,
				string(l.Tenant), string(c.Platform), string(c.Workspace), string(c.Channel), string(l.ID)).Scan(&other)
			if err == nil {
				return fmt.Errorf("channel already in link %q: %w", other, store.ErrConflict)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO links (tenant, id, name, origin) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, origin = excluded.origin`,
			string(l.Tenant), string(l.ID), l.Name, string(l.Origin)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM link_channels WHERE tenant = $1 AND link = $2`,
			string(l.Tenant), string(l.ID)); err != nil {
			return err
		}
		for i, c := range l.Channels {
			if _, err := tx.Exec(ctx, `INSERT INTO link_channels
				(tenant, link, position, platform, workspace, channel) VALUES ($1, $2, $3, $4, $5, $6)`,
				string(l.Tenant), string(l.ID), i, string(c.Platform), string(c.Workspace), string(c.Channel)); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case violates(err, foreignKeyViolation):
		return fmt.Errorf("put link: tenant %q: %w", l.Tenant, store.ErrNotFound)
	case violates(err, uniqueViolation):
		return fmt.Errorf("put link: a channel was just put in another link: %w", store.ErrConflict)
	case err != nil:
		return fmt.Errorf("put link: %w", err)
	}
	return nil
}

// Links implements store.Store.
func (s *Store) Links(ctx context.Context, tenant core.TenantID) ([]store.Link, error) {
	return s.links(ctx, `WHERE l.tenant = $1`, string(tenant))
}

// AllLinks implements store.Store.
func (s *Store) AllLinks(ctx context.Context) ([]store.Link, error) {
	return s.links(ctx, ``)
}

// links reads links with their channels in one query; a link without
// channels still appears thanks to the outer join.
func (s *Store) links(ctx context.Context, where string, args ...any) ([]store.Link, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.tenant, l.id, l.name, l.origin, c.platform, c.workspace, c.channel
		FROM links l LEFT JOIN link_channels c ON c.tenant = l.tenant AND c.link = l.id `+where+`
		ORDER BY l.tenant, l.id, c.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []store.Link
	for rows.Next() {
		var tenant, id, name, origin string
		var platform, workspace, channel *string
		if err := rows.Scan(&tenant, &id, &name, &origin, &platform, &workspace, &channel); err != nil {
			return nil, fmt.Errorf("links: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].Tenant != core.TenantID(tenant) || out[n-1].ID != core.LinkID(id) {
			out = append(out, store.Link{ID: core.LinkID(id), Tenant: core.TenantID(tenant), Name: name, Origin: store.Origin(origin)})
		}
		if platform != nil {
			l := &out[len(out)-1]
			l.Channels = append(l.Channels, core.ChannelRef{
				Platform:  core.Platform(*platform),
				Workspace: core.WorkspaceID(*workspace),
				Channel:   core.ChannelID(*channel),
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
	tag, err := s.pool.Exec(ctx, `DELETE FROM links WHERE tenant = $1 AND id = $2`, string(tenant), string(id))
	if err != nil {
		return fmt.Errorf("delete link: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete link: %w", store.ErrNotFound)
	}
	return nil
}
