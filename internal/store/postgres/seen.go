package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FirstSeen implements store.Store in one statement: the insert succeeds
// for a new mark, the conditional update revives an expired one, and a
// live mark changes nothing, so the affected-row count is the answer. Of
// nodes inserting one mark at once, PostgreSQL lets one insert and makes
// the others wait for it, then re-check the update's condition against
// the new, live mark: exactly one sees it first.
func (s *Store) FirstSeen(ctx context.Context, key string, expires time.Time) (bool, error) {
	if key == "" {
		return false, errors.New("first seen: empty key")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO seen_marks (mark, expires) VALUES ($1, $2)
		ON CONFLICT (mark) DO UPDATE SET expires = excluded.expires
		WHERE seen_marks.expires <> 0 AND seen_marks.expires <= $3`,
		key, nanos(expires), time.Now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// ForgetSeen implements store.Store.
func (s *Store) ForgetSeen(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM seen_marks WHERE mark = $1`, key); err != nil {
		return fmt.Errorf("forget seen: %w", err)
	}
	return nil
}
