package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// AddTraffic implements store.Store.
func (s *Store) AddTraffic(ctx context.Context, e store.TrafficEntry) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Stmt(s.st.addTraffic).Exec(string(e.Tenant), nanos(e.Time), string(e.Kind), string(e.SrcPlatform), e.Src, string(e.DstPlatform), e.Dst,
			e.Size, e.Files, e.Outcome, e.Attempts, e.Latency.Milliseconds())
		return err
	})
	if err != nil {
		return fmt.Errorf("add traffic: %w", err)
	}
	return nil
}

// Traffic implements store.Store.
func (s *Store) Traffic(ctx context.Context, tenant core.TenantID, since time.Time, limit int) ([]store.TrafficEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, kind, src_platform, src, dst_platform, dst, size, files, outcome, attempts, latency_ms
		FROM traffic WHERE tenant = ? AND at >= ? ORDER BY at, id LIMIT ?`, string(tenant), nanos(since), limit)
	if err != nil {
		return nil, fmt.Errorf("traffic: %w", err)
	}
	defer rows.Close()
	var out []store.TrafficEntry
	for rows.Next() {
		e := store.TrafficEntry{Tenant: tenant}
		var at, latency int64
		var kind, srcP, dstP string
		if err := rows.Scan(&at, &kind, &srcP, &e.Src, &dstP, &e.Dst, &e.Size, &e.Files, &e.Outcome, &e.Attempts, &latency); err != nil {
			return nil, fmt.Errorf("traffic: %w", err)
		}
		e.Time, e.Kind, e.SrcPlatform, e.DstPlatform = fromNanos(at), core.Kind(kind), core.Platform(srcP), core.Platform(dstP)
		e.Latency = time.Duration(latency) * time.Millisecond
		out = append(out, e)
	}
	return out, rows.Err()
}

// PurgeTraffic implements store.Store.
func (s *Store) PurgeTraffic(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM traffic WHERE at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("purge traffic: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge traffic: %w", err)
	}
	if n > 0 {
		if err := s.scrub(ctx); err != nil {
			return int(n), fmt.Errorf("purge traffic: %w", err)
		}
	}
	return int(n), nil
}
