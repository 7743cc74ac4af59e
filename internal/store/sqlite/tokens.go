package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parley/internal/store"
)

const tokenColumns = `hash, id, kind, person, provider, created, expires`

// CreateAccessToken implements store.Store.
func (s *Store) CreateAccessToken(ctx context.Context, t store.AccessToken) error {
	if t.Hash == "" || t.ID == "" || t.Person == "" {
		return errors.New("create access token: empty hash, id or person")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_tokens WHERE hash = ? OR id = ?`, t.Hash, t.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrExists
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO access_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.Hash, t.ID, t.Kind, t.Person, t.Provider, nanos(t.Created), nanos(t.Expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("create access token: %w", err)
	}
	return nil
}

// AccessToken implements store.Store.
func (s *Store) AccessToken(ctx context.Context, hash string) (store.AccessToken, error) {
	ts, err := s.accessTokens(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE hash = ?`, hash)
	if err != nil {
		return store.AccessToken{}, err
	}
	if len(ts) == 0 {
		return store.AccessToken{}, fmt.Errorf("access token: %w", store.ErrNotFound)
	}
	return ts[0], nil
}

// AccessTokens implements store.Store.
func (s *Store) AccessTokens(ctx context.Context, person, kind string) ([]store.AccessToken, error) {
	return s.accessTokens(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE person = ? AND kind = ? ORDER BY created, id`, person, kind)
}

func (s *Store) accessTokens(ctx context.Context, q string, args ...any) ([]store.AccessToken, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("access tokens: %w", err)
	}
	defer rows.Close()
	var out []store.AccessToken
	for rows.Next() {
		var t store.AccessToken
		var created, expires int64
		if err := rows.Scan(&t.Hash, &t.ID, &t.Kind, &t.Person, &t.Provider, &created, &expires); err != nil {
			return nil, fmt.Errorf("access tokens: %w", err)
		}
		t.Created, t.Expires = fromNanos(created), fromNanos(expires)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("access tokens: %w", err)
	}
	return out, nil
}

// DeleteAccessToken implements store.Store.
func (s *Store) DeleteAccessToken(ctx context.Context, person, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM access_tokens WHERE person = ? AND id = ?`, person, id)
	if err != nil {
		return fmt.Errorf("delete access token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete access token: %w", err)
	} else if n == 0 {
		return fmt.Errorf("delete access token: %w", store.ErrNotFound)
	}
	return nil
}
