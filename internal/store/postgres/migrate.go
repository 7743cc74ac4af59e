package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations with goose. Nodes starting at
// once queue on a session-level advisory lock (goose's Postgres session
// locker) held while goose reads what is applied and applies the rest, so
// each migration runs once; the lock goes with the session if its holder
// dies. Its ID is derived from the schema, so deployments in different
// schemas of one database do not wait for each other.
func (s *Store) migrate(ctx context.Context) error {
	var schema string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("current schema: %w", err)
	}
	if schema == "" {
		return fmt.Errorf("no schema to create tables in: the search_path names none that exists")
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(lockID(schema)),
		lock.WithLockTimeout(1, 300), // poll each second, give up after 5 minutes
	)
	if err != nil {
		return err
	}
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// goose speaks database/sql; this handle borrows the pool's
	// connections (closing it leaves the pool open).
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, files,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return err
	}
	return nil
}

// lockID is the advisory lock key for migrating schema.
func lockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("parley migrations\x00" + schema))
	return int64(h.Sum64())
}
