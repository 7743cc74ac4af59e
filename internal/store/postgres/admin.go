package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// The admin plane's rows: role assignments, access-token hashes and the
// audit chains (see the SQLite store for the same, and storetest for what
// both must do).

const roleColumns = `tenant, person, role, sealed_email, provider, origin, updated`

// PutRole implements store.Store.
func (s *Store) PutRole(ctx context.Context, r store.RoleAssignment) error {
	if r.Person == "" || r.Role == "" {
		return errors.New("put role: empty person or role")
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if r.Tenant != store.Installation {
			// Locked, so a tenant deleted meanwhile by another node
			// gains no role.
			var id string
			err := tx.QueryRow(ctx, `SELECT id FROM tenants WHERE id = $1 FOR SHARE`, string(r.Tenant)).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("tenant %q: %w", r.Tenant, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO roles (`+roleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (tenant, person) DO UPDATE SET role = excluded.role, sealed_email = excluded.sealed_email,
				provider = excluded.provider, origin = excluded.origin, updated = excluded.updated`,
			string(r.Tenant), r.Person, r.Role, r.SealedEmail, r.Provider, string(r.Origin), nanos(r.Updated))
		return err
	})
	if err != nil {
		return fmt.Errorf("put role: %w", err)
	}
	return nil
}

// Roles implements store.Store.
func (s *Store) Roles(ctx context.Context, tenant core.TenantID) ([]store.RoleAssignment, error) {
	return s.roles(ctx, `SELECT `+roleColumns+` FROM roles WHERE tenant = $1 ORDER BY person`, string(tenant))
}

// RolesOf implements store.Store.
func (s *Store) RolesOf(ctx context.Context, person string) ([]store.RoleAssignment, error) {
	return s.roles(ctx, `SELECT `+roleColumns+` FROM roles WHERE person = $1 ORDER BY tenant`, person)
}

func (s *Store) roles(ctx context.Context, q string, args ...any) ([]store.RoleAssignment, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.RoleAssignment, error) {
		var r store.RoleAssignment
		var tenant, origin string
		var updated int64
		err := row.Scan(&tenant, &r.Person, &r.Role, &r.SealedEmail, &r.Provider, &origin, &updated)
		r.Tenant, r.Origin, r.Updated = core.TenantID(tenant), store.Origin(origin), fromNanos(updated)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// DeleteRole implements store.Store.
func (s *Store) DeleteRole(ctx context.Context, tenant core.TenantID, person string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM roles WHERE tenant = $1 AND person = $2`, string(tenant), person)
	if err != nil {
		return fmt.Errorf("delete role: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete role: %w", store.ErrNotFound)
	}
	if err := s.shred(ctx, "roles"); err != nil {
		return fmt.Errorf("delete role: %w", err)
	}
	return nil
}

const tokenColumns = `hash, id, kind, person, provider, created, expires`

// CreateAccessToken implements store.Store.
func (s *Store) CreateAccessToken(ctx context.Context, t store.AccessToken) error {
	if t.Hash == "" || t.ID == "" || t.Person == "" {
		return errors.New("create access token: empty hash, id or person")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO access_tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.Hash, t.ID, t.Kind, t.Person, t.Provider, nanos(t.Created), nanos(t.Expires))
	if violates(err, uniqueViolation) {
		return fmt.Errorf("create access token: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create access token: %w", err)
	}
	return nil
}

// AccessToken implements store.Store.
func (s *Store) AccessToken(ctx context.Context, hash string) (store.AccessToken, error) {
	ts, err := s.accessTokens(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE hash = $1`, hash)
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
	return s.accessTokens(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE person = $1 AND kind = $2 ORDER BY created, id`, person, kind)
}

func (s *Store) accessTokens(ctx context.Context, q string, args ...any) ([]store.AccessToken, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.AccessToken, error) {
		var t store.AccessToken
		var created, expires int64
		err := row.Scan(&t.Hash, &t.ID, &t.Kind, &t.Person, &t.Provider, &created, &expires)
		t.Created, t.Expires = fromNanos(created), fromNanos(expires)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("access tokens: %w", err)
	}
	return out, nil
}

// DeleteAccessToken implements store.Store.
func (s *Store) DeleteAccessToken(ctx context.Context, person, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM access_tokens WHERE person = $1 AND id = $2`, person, id)
	if err != nil {
		return fmt.Errorf("delete access token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete access token: %w", store.ErrNotFound)
	}
	return nil
}

const auditColumns = `tenant, seq, at, actor, role, action, target, outcome, prev, mac`

// AppendAudit implements store.Store. The primary key (tenant, seq) is
// the guard between nodes: of two appends for one place, one fails with a
// unique violation; the read of the last sequence gives a gap its error.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var last *int64
		if err := tx.QueryRow(ctx, `SELECT MAX(seq) FROM audit_log WHERE tenant = $1`, string(e.Tenant)).Scan(&last); err != nil {
			return err
		}
		want := int64(1)
		if last != nil {
			want = *last + 1
		}
		if e.Seq != want {
			return fmt.Errorf("sequence %d does not follow %d: %w", e.Seq, want-1, store.ErrConflict)
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			string(e.Tenant), e.Seq, nanos(e.Time), e.Actor, e.Role, e.Action, e.Target, e.Outcome, e.Prev, e.MAC)
		return err
	})
	if violates(err, uniqueViolation) {
		return fmt.Errorf("append audit: place %d taken: %w", e.Seq, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// LastAudit implements store.Store.
func (s *Store) LastAudit(ctx context.Context, tenant core.TenantID) (store.AuditEntry, error) {
	es, err := s.audit(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE tenant = $1 ORDER BY seq DESC LIMIT 1`, string(tenant))
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
	return s.audit(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE tenant = $1 AND seq > $2 ORDER BY seq LIMIT $3`, string(tenant), after, limit)
}

func (s *Store) audit(ctx context.Context, q string, args ...any) ([]store.AuditEntry, error) {
	rows, _ := s.pool.Query(ctx, q, args...)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		var tenant string
		var at int64
		err := row.Scan(&tenant, &e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.Target, &e.Outcome, &e.Prev, &e.MAC)
		e.Tenant, e.Time = core.TenantID(tenant), fromNanos(at)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, nil
}

// AuditChains implements store.Store.
func (s *Store) AuditChains(ctx context.Context) ([]core.TenantID, error) {
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT tenant FROM audit_log ORDER BY tenant`)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.TenantID, error) {
		var t string
		err := row.Scan(&t)
		return core.TenantID(t), err
	})
	if err != nil {
		return nil, fmt.Errorf("audit chains: %w", err)
	}
	return out, nil
}

// PurgeAudit implements store.Store.
func (s *Store) PurgeAudit(ctx context.Context, tenant core.TenantID, before int64) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM audit_log WHERE tenant = $1 AND seq < $2`, string(tenant), before)
	if err != nil {
		return 0, fmt.Errorf("purge audit: %w", err)
	}
	n := int(tag.RowsAffected())
	if n > 0 {
		if err := s.shred(ctx, "audit_log"); err != nil {
			return n, fmt.Errorf("purge audit: %w", err)
		}
	}
	return n, nil
}
