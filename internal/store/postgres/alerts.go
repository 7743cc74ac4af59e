package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// lockTenant holds the tenant's row for the transaction, so a tenant
// deleted meanwhile by another node gains no rows.
func lockTenant(ctx context.Context, tx pgx.Tx, t core.TenantID) error {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM tenants WHERE id = $1 FOR SHARE`, string(t)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("tenant %q: %w", t, store.ErrNotFound)
	}
	return err
}

// AddAlert implements store.Store.
func (s *Store) AddAlert(ctx context.Context, a store.Alert) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if a.Tenant != store.Installation {
			if err := lockTenant(ctx, tx, a.Tenant); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO alerts (tenant, id, at, kind, link, detail, expires) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			string(a.Tenant), a.ID, nanos(a.Time), a.Kind, string(a.Link), a.Detail, nanos(a.Expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("add alert: %w", err)
	}
	return nil
}

// Alerts implements store.Store.
func (s *Store) Alerts(ctx context.Context, tenant core.TenantID, since time.Time, limit int) ([]store.Alert, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.pool.Query(ctx, `SELECT tenant, id, at, kind, link, detail, expires FROM alerts
		WHERE tenant = $1 AND at >= $2 ORDER BY at, id LIMIT $3`, string(tenant), nanos(since), limit)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []store.Alert
	for rows.Next() {
		var a store.Alert
		var t, link string
		var at, expires int64
		if err := rows.Scan(&t, &a.ID, &at, &a.Kind, &link, &a.Detail, &expires); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		a.Tenant, a.Link, a.Time, a.Expires = core.TenantID(t), core.LinkID(link), fromNanos(at), fromNanos(expires)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return out, nil
}

// PutQuarantine implements store.Store.
func (s *Store) PutQuarantine(ctx context.Context, q store.Quarantine) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockTenant(ctx, tx, q.Tenant); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO quarantines (tenant, link, since, reason) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant, link) DO UPDATE SET since = excluded.since, reason = excluded.reason`,
			string(q.Tenant), string(q.Link), nanos(q.Since), q.Reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("put quarantine: %w", err)
	}
	return nil
}

// Quarantines implements store.Store.
func (s *Store) Quarantines(ctx context.Context) ([]store.Quarantine, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant, link, since, reason FROM quarantines ORDER BY tenant, link`)
	if err != nil {
		return nil, fmt.Errorf("quarantines: %w", err)
	}
	defer rows.Close()
	var out []store.Quarantine
	for rows.Next() {
		var q store.Quarantine
		var t, link string
		var since int64
		if err := rows.Scan(&t, &link, &since, &q.Reason); err != nil {
			return nil, fmt.Errorf("quarantines: %w", err)
		}
		q.Tenant, q.Link, q.Since = core.TenantID(t), core.LinkID(link), fromNanos(since)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("quarantines: %w", err)
	}
	return out, nil
}

// DeleteQuarantine implements store.Store.
func (s *Store) DeleteQuarantine(ctx context.Context, tenant core.TenantID, link core.LinkID) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM quarantines WHERE tenant = $1 AND link = $2`, string(tenant), string(link))
	if err != nil {
		return fmt.Errorf("delete quarantine: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete quarantine: %w", store.ErrNotFound)
	}
	return nil
}
