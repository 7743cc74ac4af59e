package sqlite

import (
	"context"
	"database/sql"
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
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Stmt(s.st.firstSeen).Exec(key, nanos(expires), time.Now().UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return n > 0, nil
}

// ForgetSeen implements store.Store.
func (s *Store) ForgetSeen(ctx context.Context, key string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Stmt(s.st.forgetSeen).Exec(key)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget seen: %w", err)
	}
	return nil
}
