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

// live is the condition for an unexpired row, with $1 the current time;
// expires 0 means never.
const live = `(expires = 0 OR expires > $1)`

// PutCopy implements store.Store: one round trip, one transaction.
func (s *Store) PutCopy(ctx context.Context, cs ...store.Copy) error {
	var b pgx.Batch
	for _, c := range cs {
		if c.Key == "" {
			return errors.New("put copy: empty key")
		}
		b.Queue(`INSERT INTO copies (tenant, idx, grp, sealed, expires) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant, idx) DO UPDATE SET
				grp = excluded.grp, sealed = excluded.sealed, expires = excluded.expires`,
			string(c.Tenant), c.Key, c.Group, c.Sealed, nanos(c.Expires))
	}
	if b.Len() == 0 {
		return nil
	}
	// A batch sent outside a transaction runs as one implicit
	// transaction: every copy or none.
	if err := s.pool.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("put copy: %w", err)
	}
	return nil
}

// FindCopy implements store.Store.
func (s *Store) FindCopy(ctx context.Context, tenant core.TenantID, key string) (store.Copy, error) {
	c := store.Copy{Tenant: tenant, Key: key}
	var expires int64
	err := s.pool.QueryRow(ctx, `SELECT grp, sealed, expires FROM copies
		WHERE `+live+` AND tenant = $2 AND idx = $3`, time.Now().UnixNano(), string(tenant), key).
		Scan(&c.Group, &c.Sealed, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Copy{}, fmt.Errorf("find copy: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Copy{}, fmt.Errorf("find copy: %w", err)
	}
	c.Expires = fromNanos(expires)
	return c, nil
}

// GroupCopies implements store.Store.
func (s *Store) GroupCopies(ctx context.Context, tenant core.TenantID, group string) ([]store.Copy, error) {
	rows, _ := s.pool.Query(ctx, `SELECT idx, sealed, expires FROM copies
		WHERE `+live+` AND tenant = $2 AND grp = $3 ORDER BY idx`, time.Now().UnixNano(), string(tenant), group)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Copy, error) {
		c := store.Copy{Tenant: tenant, Group: group}
		var expires int64
		err := r.Scan(&c.Key, &c.Sealed, &expires)
		c.Expires = fromNanos(expires)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("group copies: %w", err)
	}
	return out, nil
}

// expiring are the tables DeleteExpired purges.
var expiring = []string{"copies", "seen_marks", "dead_letters", "access_tokens", "alerts"}

// DeleteExpired implements store.Store, then vacuums what it purged.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	var total int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		for _, table := range expiring {
			tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE expires <> 0 AND expires <= $1`, now.UnixNano())
			if err != nil {
				return err
			}
			total += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired: %w", err)
	}
	if total > 0 {
		if err := s.shred(ctx, expiring...); err != nil {
			return int(total), fmt.Errorf("delete expired: %w", err)
		}
	}
	return int(total), nil
}
