package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// AddAlert implements store.Store.
func (s *Store) AddAlert(ctx context.Context, a store.Alert) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if a.Tenant != store.Installation {
			if err := tenantExists(ctx, tx, a.Tenant); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO alerts (tenant, id, at, kind, link, detail, expires) VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
	rows, err := s.db.QueryContext(ctx, `SELECT tenant, id, at, kind, link, detail, expires FROM alerts
		WHERE tenant = ? AND at >= ? ORDER BY at, id LIMIT ?`, string(tenant), nanos(since), limit)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []store.Alert
	for rows.Next() {
		var a store.Alert
		var at, expires int64
		if err := rows.Scan(&a.Tenant, &a.ID, &at, &a.Kind, &a.Link, &a.Detail, &expires); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		a.Time, a.Expires = fromNanos(at), fromNanos(expires)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return out, nil
}

// PutQuarantine implements store.Store.
func (s *Store) PutQuarantine(ctx context.Context, q store.Quarantine) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tenantExists(ctx, tx, q.Tenant); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO quarantines (tenant, link, since, reason) VALUES (?, ?, ?, ?)
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
	rows, err := s.db.QueryContext(ctx, `SELECT tenant, link, since, reason FROM quarantines ORDER BY tenant, link`)
	if err != nil {
		return nil, fmt.Errorf("quarantines: %w", err)
	}
	defer rows.Close()
	var out []store.Quarantine
	for rows.Next() {
		var q store.Quarantine
		var since int64
		if err := rows.Scan(&q.Tenant, &q.Link, &since, &q.Reason); err != nil {
			return nil, fmt.Errorf("quarantines: %w", err)
		}
		q.Since = fromNanos(since)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("quarantines: %w", err)
	}
	return out, nil
}

// DeleteQuarantine implements store.Store.
func (s *Store) DeleteQuarantine(ctx context.Context, tenant core.TenantID, link core.LinkID) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM quarantines WHERE tenant = ? AND link = ?`, string(tenant), string(link))
	if err != nil {
		return fmt.Errorf("delete quarantine: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete quarantine: %w", err)
	} else if n == 0 {
		return fmt.Errorf("delete quarantine: %w", store.ErrNotFound)
	}
	return nil
}
