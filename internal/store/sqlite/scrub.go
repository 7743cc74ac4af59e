package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Deleting must destroy. SQLite by itself only unlinks a deleted row: its
// bytes stay in the page's free space, on the freelist, and as older
// versions of the page in the write-ahead log, where anyone with a copy of
// the data directory (and the key file beside it) could read a shredded
// tenant's wrapped keys. So:
//
//   - every connection runs with secure_delete on, which zeroes a deleted
//     row's cell, freed overflow pages and freelist pages;
//   - temp_store is memory, so statement journals and sort files (rollback
//     copies of pages) never reach a temp file;
//   - after each delete of sensitive rows, scrub checkpoints the log into
//     the database and truncates it to zero bytes, so no older version of
//     a page survives there. The -shm file holds only the log's index
//     (page numbers and checksums), never row bytes;
//   - a database created before all this is vacuumed once on upgrade
//     (vacuumOnce), which rewrites every page and drops the freelist.
//
// What happens below the file system (journaling, copy-on-write, SSD
// remapping) is out of a program's reach; that is why keys, not deletes,
// carry the promise: a shredded key takes every copy with it.
const connectionPragmas = "secure_delete(1)|temp_store(2)"

// scrub checkpoints the write-ahead log into the database and truncates it.
// A reader in another process that holds an old snapshot makes it wait (up
// to the busy timeout) and then fail: the delete stands, but its old bytes
// may remain in the log until the next scrub.
func (s *Store) scrub(ctx context.Context) error {
	var busy, frames, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("scrub write-ahead log: %w", err)
	}
	if busy != 0 {
		return errors.New("scrub write-ahead log: another reader kept it busy; deleted rows may linger there until the next purge")
	}
	return nil
}

// vacuumOnce rewrites a database that predates secure_delete, so that
// rows deleted back then are gone too. It runs when the migration that
// marks the change is applied to a database that already had a schema.
const vacuumMarker = 4 // 0004_dead_letters.sql

func (s *Store) vacuum(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return s.scrub(ctx)
}

// oneTenantPerWorkspace runs before the migration that makes a workspace
// unique across tenants, so an existing database that breaks the rule gets
// an error that says which workspaces and what to do, not a bare
// constraint failure.
func oneTenantPerWorkspace(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT platform, id, group_concat(tenant, ', ') FROM workspaces
		GROUP BY platform, id HAVING COUNT(*) > 1 ORDER BY platform, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var dups []string
	for rows.Next() {
		var p, id, tenants string
		if err := rows.Scan(&p, &id, &tenants); err != nil {
			return err
		}
		dups = append(dups, fmt.Sprintf("%s/%s (tenants %s)", p, id, tenants))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(dups) > 0 {
		return fmt.Errorf("workspaces belong to more than one tenant: %s; remove each from all but its real owner's tenant, then start again", strings.Join(dups, "; "))
	}
	return nil
}
