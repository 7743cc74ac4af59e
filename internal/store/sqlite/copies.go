package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// live is the condition for an unexpired copy; expires 0 means never.
const live = `(expires = 0 OR expires > ?)`

// PutCopy implements store.Store: one write of the group commit.
func (s *Store) PutCopy(ctx context.Context, cs ...store.Copy) error {
	for _, c := range cs {
		if c.Key == "" {
			return errors.New("put copy: empty key")
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		st := tx.Stmt(s.st.putCopy)
		for _, c := range cs {
			if _, err := st.Exec(string(c.Tenant), c.Key, c.Group, c.Sealed, nanos(c.Expires)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put copy: %w", err)
	}
	return nil
}

// FindCopy implements store.Store.
func (s *Store) FindCopy(ctx context.Context, tenant core.TenantID, key string) (store.Copy, error) {
	c := store.Copy{Tenant: tenant, Key: key}
	var expires int64
	err := s.st.findCopy.QueryRowContext(ctx, string(tenant), key, time.Now().UnixNano()).
		Scan(&c.Group, &c.Sealed, &expires)
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := s.st.groupCopies.QueryContext(ctx, string(tenant), group, time.Now().UnixNano())
	if err != nil {
		return nil, fmt.Errorf("group copies: %w", err)
	}
	defer rows.Close()
	var out []store.Copy
	for rows.Next() {
		c := store.Copy{Tenant: tenant, Group: group}
		var expires int64
		if err := rows.Scan(&c.Key, &c.Sealed, &expires); err != nil {
			return nil, fmt.Errorf("group copies: %w", err)
		}
		c.Expires = fromNanos(expires)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("group copies: %w", err)
	}
	return out, nil
}

// DeleteExpired implements store.Store.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	var total int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM copies WHERE expires <> 0 AND expires <= ?`,
			`DELETE FROM seen_marks WHERE expires <> 0 AND expires <= ?`,
			`DELETE FROM dead_letters WHERE expires <> 0 AND expires <= ?`,
			`DELETE FROM access_tokens WHERE expires <> 0 AND expires <= ?`,
			`DELETE FROM alerts WHERE expires <> 0 AND expires <= ?`,
		} {
			res, err := tx.ExecContext(ctx, q, now.UnixNano())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired: %w", err)
	}
	if total > 0 {
		if err := s.scrub(ctx); err != nil {
			return int(total), fmt.Errorf("delete expired: %w", err)
		}
	}
	return int(total), nil
}
