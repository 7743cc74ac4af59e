package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// PutDeadLetter implements store.Store.
func (s *Store) PutDeadLetter(ctx context.Context, d store.DeadLetter) error {
	if d.Tenant == "" || d.ID == "" {
		return errors.New("put dead letter: empty tenant or id")
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO dead_letters (tenant, id, sealed, reason, at, expires)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, id) DO NOTHING`,
		string(d.Tenant), d.ID, d.Sealed, d.Reason, nanos(d.Time), nanos(d.Expires))
	if err != nil {
		return fmt.Errorf("put dead letter: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("put dead letter: %w", err)
	} else if n == 0 {
		return fmt.Errorf("put dead letter: %w", store.ErrExists)
	}
	return nil
}

// DeadLetters implements store.Store.
func (s *Store) DeadLetters(ctx context.Context, tenant core.TenantID) ([]store.DeadLetter, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, sealed, reason, at, expires FROM dead_letters
		WHERE tenant = ? AND `+live+` ORDER BY at, id`, string(tenant), time.Now().UnixNano())
	if err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	defer rows.Close()
	var out []store.DeadLetter
	for rows.Next() {
		d := store.DeadLetter{Tenant: tenant}
		var at, expires int64
		if err := rows.Scan(&d.ID, &d.Sealed, &d.Reason, &at, &expires); err != nil {
			return nil, fmt.Errorf("dead letters: %w", err)
		}
		d.Time, d.Expires = fromNanos(at), fromNanos(expires)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	return out, nil
}

// DeleteDeadLetter implements store.Store.
func (s *Store) DeleteDeadLetter(ctx context.Context, tenant core.TenantID, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM dead_letters WHERE tenant = ? AND id = ?`, string(tenant), id)
	if err != nil {
		return fmt.Errorf("delete dead letter: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete dead letter: %w", err)
	} else if n == 0 {
		return fmt.Errorf("delete dead letter: %w", store.ErrNotFound)
	}
	if err := s.scrub(ctx); err != nil {
		return fmt.Errorf("delete dead letter: %w", err)
	}
	return nil
}
