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

// PutDeadLetter implements store.Store: of nodes parking one redelivered
// event at once, the primary key lets one in.
func (s *Store) PutDeadLetter(ctx context.Context, d store.DeadLetter) error {
	if d.Tenant == "" || d.ID == "" {
		return errors.New("put dead letter: empty tenant or id")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO dead_letters (tenant, id, sealed, reason, at, expires)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, id) DO NOTHING`,
		string(d.Tenant), d.ID, d.Sealed, d.Reason, nanos(d.Time), nanos(d.Expires))
	if err != nil {
		return fmt.Errorf("put dead letter: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("put dead letter: %w", store.ErrExists)
	}
	return nil
}

// DeadLetters implements store.Store.
func (s *Store) DeadLetters(ctx context.Context, tenant core.TenantID) ([]store.DeadLetter, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, sealed, reason, at, expires FROM dead_letters
		WHERE `+live+` AND tenant = $2 ORDER BY at, id`, time.Now().UnixNano(), string(tenant))
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.DeadLetter, error) {
		d := store.DeadLetter{Tenant: tenant}
		var at, expires int64
		err := r.Scan(&d.ID, &d.Sealed, &d.Reason, &at, &expires)
		d.Time, d.Expires = fromNanos(at), fromNanos(expires)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	return out, nil
}

// DeleteDeadLetter implements store.Store, then vacuums the table.
func (s *Store) DeleteDeadLetter(ctx context.Context, tenant core.TenantID, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM dead_letters WHERE tenant = $1 AND id = $2`, string(tenant), id)
	if err != nil {
		return fmt.Errorf("delete dead letter: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete dead letter: %w", store.ErrNotFound)
	}
	if err := s.shred(ctx, "dead_letters"); err != nil {
		return fmt.Errorf("delete dead letter: %w", err)
	}
	return nil
}
