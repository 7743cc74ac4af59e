package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

const auditColumns = `tenant, seq, at, actor, role, action, target, outcome, prev, mac`

// AppendAudit implements store.Store. The write lock taken at BEGIN makes
// the read of the last sequence number and the insert one step.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(seq) FROM audit_log WHERE tenant = ?`, string(e.Tenant)).Scan(&last); err != nil {
			return err
		}
		if e.Seq != last.Int64+1 {
			return fmt.Errorf("sequence %d does not follow %d: %w", e.Seq, last.Int64, store.ErrConflict)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(e.Tenant), e.Seq, nanos(e.Time), e.Actor, e.Role, e.Action, e.Target, e.Outcome, e.Prev, e.MAC)
		return err
	})
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// LastAudit implements store.Store.
func (s *Store) LastAudit(ctx context.Context, tenant core.TenantID) (store.AuditEntry, error) {
	es, err := s.audit(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE tenant = ? ORDER BY seq DESC LIMIT 1`, string(tenant))
	if err != nil {
		return store.AuditEntry{}, err
	}
	if len(es) == 0 {
		return store.AuditEntry{}, fmt.Errorf("last audit: %w", store.ErrNotFound)
	}
	return es[0], nil
}

// Audit implements store.Store.
func (s *Store) Audit(ctx context.Context, tenant core.TenantID, after int64, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	return s.audit(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?`, string(tenant), after, limit)
}

func (s *Store) audit(ctx context.Context, q string, args ...any) ([]store.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.Tenant, &e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Outcome, &e.Prev, &e.MAC); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.Time = fromNanos(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, nil
}

// AuditChains implements store.Store.
func (s *Store) AuditChains(ctx context.Context) ([]core.TenantID, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT tenant FROM audit_log ORDER BY tenant`)
	if err != nil {
		return nil, fmt.Errorf("audit chains: %w", err)
	}
	defer rows.Close()
	var out []core.TenantID
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("audit chains: %w", err)
		}
		out = append(out, core.TenantID(t))
	}
	return out, rows.Err()
}

// PurgeAudit implements store.Store.
func (s *Store) PurgeAudit(ctx context.Context, tenant core.TenantID, before int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM audit_log WHERE tenant = ? AND seq < ?`, string(tenant), before)
	if err != nil {
		return 0, fmt.Errorf("purge audit: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge audit: %w", err)
	}
	if n > 0 {
		if err := s.scrub(ctx); err != nil {
			return int(n), fmt.Errorf("purge audit: %w", err)
		}
	}
	return int(n), nil
}
