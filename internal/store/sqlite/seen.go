package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FirstSeen implements store.Store in one statement: the insert succeeds for
// a new mark, the conditional update revives an expired one, and a live mark
// changes nothing, so the affected-row count is the answer. The database's
// write lock makes it atomic across processes too.
func (s *Store) FirstSeen(ctx context.Context, key string, expires time.Time) (bool, error) {
	if key == "" {
		return false, errors.New("first seen: empty key")
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO seen_marks (mark, expires) VALUES (?, ?)
		ON CONFLICT (mark) DO UPDATE SET expires = excluded.expires
		WHERE seen_marks.expires <> 0 AND seen_marks.expires <= ?`,
		key, nanos(expires), time.Now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return n > 0, nil
}

// ForgetSeen implements store.Store.
func (s *Store) ForgetSeen(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM seen_marks WHERE mark = ?`, key); err != nil {
		return fmt.Errorf("forget seen: %w", err)
	}
	return nil
}
