// Package postgres is the store.Store for scale-out: every gateway node
// shares one PostgreSQL database through pgx's connection pool.
//
// It keeps the same rows as the SQLite store, and holds to the same
// conformance suite, across nodes as well as goroutines: each check-and-set
// is one statement (INSERT … ON CONFLICT, UPDATE … WHERE), so PostgreSQL's
// row locks decide every race, and the constraints (primary keys, foreign
// keys, unique indexes) are the guards, with errors mapped to the store's
// sentinels. Sealed values are BYTEA; nothing else is content.
//
// The schema is migrated by goose from files embedded in the binary, under
// a PostgreSQL advisory lock, so nodes starting together apply each
// migration once (migrate.go). The connection goes over verified TLS unless
// the server is on this machine (connect.go). Deleting keys rewrites their
// table so no wrapped key survives in its files (shred.go).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley/internal/secret"
	"parley/internal/store"
)

// Options say how to reach the database.
type Options struct {
	// URL is a libpq connection string, postgres://user@host:5432/db?… or
	// "host=… dbname=…". TLS comes from its sslmode, sslrootcert, sslcert
	// and sslkey. It may carry a password, hence secret.
	URL secret.Secret
	// AllowPlaintext permits a connection that is not verified TLS to a
	// server that is not on this machine.
	AllowPlaintext bool
	// Pool settings; zero keeps pgx's default (or the URL's pool_*).
	MaxConns        int32
	MinConns        int32
	MaxConnLifetime time.Duration
	MaxConnIdleTime time.Duration
}

// Store is the PostgreSQL store.Store.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects, checks the connection's protection, and brings the schema
// up to date.
func Open(ctx context.Context, o Options) (*Store, error) {
	cfg, err := PoolConfig(o)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", where(cfg.ConnConfig), err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate %s: %w", where(cfg.ConnConfig), err)
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping implements store.Store: a round trip to the server on one of the
// pool's connections.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// where names the database for errors and logs: host, port and database,
// never the user's password.
func where(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// SQLSTATE codes the store maps onto its sentinels.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// violates reports whether err is PostgreSQL refusing a write for the
// constraint code.
func violates(err error, code string) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == code
}

// nanos stores a time as unix nanoseconds, the zero time as 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos undoes nanos.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
