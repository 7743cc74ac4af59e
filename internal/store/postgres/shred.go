package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Deleting must destroy, and in PostgreSQL a DELETE does not: the row
// stays in its page as a dead tuple until a vacuum, and a plain (lazy)
// VACUUM only compacts the page, which can leave the row's bytes in the
// page's free space until new rows overwrite them. So:
//
//   - after keys are deleted (shredding), tenant_keys is rewritten with
//     VACUUM FULL: a new file holding only the live rows replaces the old
//     one, so no wrapped key of a shredded tenant survives in the table's
//     files. The table is small; the rewrite takes milliseconds, and holds
//     an exclusive lock on it meanwhile;
//   - after other rows are purged (message map, replay marks, traffic log,
//     dead letters, a deleted tenant's rows), those tables get a plain
//     VACUUM, which takes no lock that stops readers or writers. Their
//     bytes may linger in free space until reused: message-map values,
//     credentials and dead letters are sealed by the tenant's key, which
//     the first rule destroys, and the traffic log holds pseudonyms only.
//
// What a program cannot reach is said in the README's security section:
// a transaction open since before the delete keeps the row visible to
// itself and so in place until it ends; the write-ahead log, its archives,
// replicas and backups hold rows as they were.
const rewritten = "tenant_keys"

// tenantTables are the tables a tenant's deletion touches.
var tenantTables = []string{"tenant_keys", "tenants", "workspaces", "links", "link_channels", "copies", "cursors", "traffic", "dead_letters", "roles", "audit_log", "policies", "alerts", "quarantines"}

// shred vacuums tables after a delete: tenant_keys in full, the others
// plainly. VACUUM cannot run inside a transaction, so it goes alone, over
// the simple protocol.
func (s *Store) shred(ctx context.Context, tables ...string) error {
	var plain []string
	for _, t := range tables {
		if t != rewritten {
			plain = append(plain, t)
		}
	}
	if slices.Contains(tables, rewritten) {
		if _, err := s.pool.Exec(ctx, `VACUUM (FULL) `+rewritten, pgx.QueryExecModeSimpleProtocol); err != nil {
			return fmt.Errorf("rewrite %s: %w", rewritten, err)
		}
	}
	if len(plain) > 0 {
		if _, err := s.pool.Exec(ctx, `VACUUM `+strings.Join(plain, ", "), pgx.QueryExecModeSimpleProtocol); err != nil {
			return fmt.Errorf("vacuum %s: %w", strings.Join(plain, ", "), err)
		}
	}
	return nil
}
