// Package sqlite is the embedded store.Store: one SQLite file, pure Go
// (modernc.org/sqlite, no cgo), so the default deployment is a single binary
// and a data directory.
//
// The file is created 0600 and opened in WAL mode with a busy timeout,
// foreign keys and secure delete on (scrub.go: deleting destroys);
// write transactions take the write lock up front
// (BEGIN IMMEDIATE) so that two writers wait for each other instead of
// failing on a lock upgrade. Several processes may share the file.
//
// The schema is migrated by goose from files embedded in the binary
// (migrate.go), under a lock so that processes starting together apply
// each migration once; a database from before goose is adopted in place.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"parley/internal/store"
)

// busyTimeout bounds how long a statement waits for another writer.
const busyTimeout = 10 * time.Second

// Store is the SQLite store.Store.
type Store struct {
	db     *sql.DB
	st     stmts      // the relay path's prepared statements (stmts.go)
	commit *committer // the relay path's writes, group-committed (commit.go)
}

// idleConns is how many connections the pool keeps open between uses. The
// default (2) made database/sql close and reopen connections under any
// concurrency, paying SQLite's open, the pragmas and every statement's
// preparation again each time.
const idleConns = 16

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
	// WAL with synchronous=NORMAL: a commit is in the log (written, not
	// yet synced) when it returns; checkpoints sync. A crash of the
	// process (SIGKILL, OOM kill, panic) loses no commit: the kernel has
	// the bytes, and that is the crash Parley promises to survive without
	// loss or duplicate (internal/chaos). Only a crash of the machine can
	// roll back the last commits, and the bus then loses as much: the
	// embedded JetStream syncs its store every two minutes (the server's
	// default), so the events and acknowledgements those commits belong to
	// (the marks, intents and copies of the last moments) are rolled back
	// with them. FULL would sync on every commit and make the database,
	// alone, outlive a power cut that the bus does not; if that is ever
	// wanted, both change together (JetStream sync_always and FULL here).
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
	db.SetMaxIdleConns(idleConns)
	s := &Store{db: db}
	if err := s.migrate(ctx, path); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if err := s.prepare(ctx); err != nil {
		s.closeStmts()
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	s.commit = newCommitter(db)
	return s, nil
}

// Close commits the writes under way and closes the database.
func (s *Store) Close() error {
	s.commit.close()
	s.closeStmts()
	return s.db.Close()
}

// Ping implements store.Store. It reads the schema from the file, which
// database/sql's own ping would not: a connection can be open on a file
// the disk no longer serves.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
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
