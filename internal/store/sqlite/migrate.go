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
	"path"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// The schema is managed by goose: the files in migrations/ are embedded in
// the binary and applied in version order, each in its own transaction,
// and goose records them in its version table.
//
//go:embed migrations/*.sql
var migrations embed.FS

// legacyTable is where Parley recorded migrations before goose took over,
// one row per applied file ("migrations/0001_init.sql").
const legacyTable = "schema_migrations"

// migrate brings the schema up to date. Several processes may open one
// file at once, and goose itself only serialises the callers of one
// provider, so the whole of it runs under migrationLock: a second process
// waits, then finds nothing left to do.
func (s *Store) migrate(ctx context.Context, dbPath string) error {
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, files, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	unlock, err := migrationLock(ctx, dbPath)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.adoptLegacy(ctx, p); err != nil {
		return fmt.Errorf("adopt %s: %w", legacyTable, err)
	}
	before, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	// A new database has nothing a precondition could find.
	for v, check := range preconditions {
		if before > 0 && before < v {
			if err := s.tx(ctx, func(tx *sql.Tx) error { return check(ctx, tx) }); err != nil {
				return fmt.Errorf("before migration %d: %w", v, err)
			}
		}
	}
	if _, err := p.Up(ctx); err != nil {
		return err
	}
	// An older database may hold rows deleted before secure delete was on.
	if before > 0 && before < vacuumMarker {
		return s.vacuum(ctx)
	}
	return nil
}

// preconditions are checked, under the migration lock, before the
// migration of that version is applied to an existing database.
var preconditions = map[int64]func(context.Context, *sql.Tx) error{
	5: oneTenantPerWorkspace, // 0005_one_tenant_per_workspace.sql
}

// adoptLegacy hands a database migrated by Parley's own runner over to
// goose: goose's version table is created holding the versions that
// schema_migrations recorded, and schema_migrations is dropped, all in one
// transaction. goose then applies only what came after.
func (s *Store) adoptLegacy(ctx context.Context, p *goose.Provider) error {
	var legacy int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, legacyTable).Scan(&legacy); err != nil {
		return err
	}
	if legacy == 0 {
		return nil
	}
	known := map[int64]bool{}
	for _, src := range p.ListSources() {
		known[src.Version] = true
	}
	gooseStore, err := database.NewStore(goose.DialectSQLite3, goose.DefaultTablename)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT version FROM `+legacyTable+` ORDER BY version`)
		if err != nil {
			return err
		}
		var applied []int64
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return err
			}
			v, err := goose.NumericComponent(path.Base(name))
			if err != nil || !known[v] {
				rows.Close()
				return fmt.Errorf("recorded migration %q is not one this binary knows; was the database written by a newer Parley?", name)
			}
			applied = append(applied, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, gooseStore.Tablename()).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			if err := gooseStore.CreateVersionTable(ctx, tx); err != nil {
				return err
			}
			// goose expects version 0 as the first row of its table.
			for _, v := range append([]int64{0}, applied...) {
				if err := gooseStore.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
					return err
				}
			}
		}
		_, err = tx.ExecContext(ctx, `DROP TABLE `+legacyTable)
		return err
	})
}

// migrationLock takes SQLite's write lock on a lock database beside the
// store's file and returns its release. It cannot be the store's own file:
// goose writes there from another connection while the lock is held.
// SQLite's locks work between processes and between connections of one
// process alike, and the operating system drops them if the holder dies.
func migrationLock(ctx context.Context, dbPath string) (unlock func(), err error) {
	lockPath := dbPath + "-migrate-lock"
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(1000)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Opaque: lockPath, RawQuery: q.Encode()}).String())
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	db.SetMaxOpenConns(1)
	for {
		// BEGIN IMMEDIATE takes the write lock without writing a byte;
		// the busy timeout makes it wait a second for another holder.
		tx, err := db.BeginTx(ctx, nil)
		if err == nil {
			return func() { tx.Rollback(); db.Close() }, nil
		}
		if ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("migration lock: another process holds it: %w", ctx.Err())
		}
		if !isBusy(err) {
			db.Close()
			return nil, fmt.Errorf("migration lock: %w", err)
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == 5 // SQLITE_BUSY
}
