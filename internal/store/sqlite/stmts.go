package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// The relay path runs a handful of statements for every message (a
// replay-guard mark, a catch-up cursor, delivery intents, message-map
// copies, a traffic-log entry, lookups). Handing SQLite their text each
// time made its parser about a tenth of the relay's CPU, so they are
// prepared once: database/sql keeps each prepared on every pooled
// connection it runs on, and a transaction borrows them (tx.Stmt).
//
// The statements' text lives here, next to one another, so that what the
// hot path asks of the database is visible in one place.
const (
	sqlFirstSeen = `INSERT INTO seen_marks (mark, expires) VALUES (?, ?)
		ON CONFLICT (mark) DO UPDATE SET expires = excluded.expires
		WHERE seen_marks.expires <> 0 AND seen_marks.expires <= ?`
	sqlForgetSeen = `DELETE FROM seen_marks WHERE mark = ?`
	sqlPutCopy    = `INSERT INTO copies (tenant, idx, grp, sealed, expires) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant, idx) DO UPDATE SET
			grp = excluded.grp, sealed = excluded.sealed, expires = excluded.expires`
	sqlFindCopy = `SELECT grp, sealed, expires FROM copies
		WHERE tenant = ? AND idx = ? AND ` + live
	sqlGroupCopies = `SELECT idx, sealed, expires FROM copies
		WHERE tenant = ? AND grp = ? AND ` + live + ` ORDER BY idx`
	sqlPutCursor = `INSERT INTO cursors (tenant, idx, sealed, updated) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant, idx) DO UPDATE SET sealed = excluded.sealed, updated = excluded.updated`
	sqlCursor     = `SELECT sealed, updated FROM cursors WHERE tenant = ? AND idx = ?`
	sqlAddTraffic = `INSERT INTO traffic
		(tenant, at, kind, src_platform, src, dst_platform, dst, size, files, outcome, attempts, latency_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// stmts are the relay path's prepared statements.
type stmts struct {
	firstSeen, forgetSeen, putCopy, findCopy, groupCopies, putCursor, cursor, addTraffic *sql.Stmt
}

// prepare prepares every statement of the relay path; the schema must be
// up to date.
func (s *Store) prepare(ctx context.Context) error {
	for _, p := range []struct {
		to  **sql.Stmt
		sql string
	}{
		{&s.st.firstSeen, sqlFirstSeen},
		{&s.st.forgetSeen, sqlForgetSeen},
		{&s.st.putCopy, sqlPutCopy},
		{&s.st.findCopy, sqlFindCopy},
		{&s.st.groupCopies, sqlGroupCopies},
		{&s.st.putCursor, sqlPutCursor},
		{&s.st.cursor, sqlCursor},
		{&s.st.addTraffic, sqlAddTraffic},
	} {
		st, err := s.db.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*p.to = st
	}
	return nil
}

// closeStmts releases the prepared statements.
func (s *Store) closeStmts() {
	for _, st := range []*sql.Stmt{s.st.firstSeen, s.st.forgetSeen, s.st.putCopy, s.st.findCopy, s.st.groupCopies, s.st.putCursor, s.st.cursor, s.st.addTraffic} {
		if st != nil {
			st.Close()
		}
	}
}
