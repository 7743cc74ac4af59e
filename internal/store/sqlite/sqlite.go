// Package sqlite is the embedded store.Store: one SQLite file, pure Go
// (modernc.org/sqlite, no cgo), so the default deployment is a single binary
// and a data directory.
//
// The file is created 0600 and opened in WAL mode with a busy timeout,
// foreign keys and secure delete on (scrub.go: deleting destroys);
// write transactions take the write lock up front
// (BEGIN IMMEDIATE) so that two writers wait for each other instead of
// failing on a lock upgrade. Several processes may share the file.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"parley/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout bounds how long a statement waits for another writer.
const busyTimeout = 10 * time.Second

// Store is the SQLite store.Store.
type Store struct {
	db *sql.DB
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		return nil, errors.New("sqlite: a database file path is required")
	}
	if strings.ContainsAny(path, "?#") {
		// They would end the file name inside the driver's DSN.
		return nil, fmt.Errorf("sqlite: database path %q contains ? or #; choose another", path)
	}
	// Create the file ourselves so that its mode is 0600 from the first
	// byte; SQLite gives the -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	for _, p := range strings.Split(connectionPragmas, "|") {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := (&url.URL{Scheme: "file", Opaque: path, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// preconditions are checked, in the migration's transaction, before the
// migration of that name is applied.
var preconditions = map[string]func(context.Context, *sql.Tx) error{
	"migrations/0005_one_tenant_per_workspace.sql": oneTenantPerWorkspace,
}

// migrate applies, in name order, every embedded migration not yet recorded
// in schema_migrations. Each runs in its own write transaction, so two
// processes starting at once apply it once.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT NOT NULL PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var before int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&before); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	vacuum := false
	for _, name := range names {
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if check := preconditions[name]; check != nil {
				if err := check(ctx, tx); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			// An older database may hold rows deleted before secure
			// delete was on.
			vacuum = vacuum || (name == vacuumMarker && before > 0)
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`, name, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return fmt.Errorf("apply %s: %w", name, err)
		}
	}
	if vacuum {
		return s.vacuum(ctx)
	}
	return nil
}

// tx runs fn in a write transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
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
