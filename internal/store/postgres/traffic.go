package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/store"
)

// AddTraffic implements store.Store.
func (s *Store) AddTraffic(ctx context.Context, e store.TrafficEntry) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO traffic
		(tenant, at, kind, src_platform, src, dst_platform, dst, size, files, outcome, attempts, latency_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		string(e.Tenant), nanos(e.Time), string(e.Kind), string(e.SrcPlatform), e.Src, string(e.DstPlatform), e.Dst,
		e.Size, e.Files, e.Outcome, e.Attempts, e.Latency.Milliseconds())
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
	rows, _ := s.pool.Query(ctx, `SELECT at, kind, src_platform, src, dst_platform, dst, size, files, outcome, attempts, latency_ms
		FROM traffic WHERE tenant = $1 AND at >= $2 ORDER BY at, id LIMIT $3`, string(tenant), nanos(since), limit)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.TrafficEntry, error) {
		e := store.TrafficEntry{Tenant: tenant}
		var at, latency int64
		var kind, srcP, dstP string
		err := r.Scan(&at, &kind, &srcP, &e.Src, &dstP, &e.Dst, &e.Size, &e.Files, &e.Outcome, &e.Attempts, &latency)
		e.Time, e.Kind, e.SrcPlatform, e.DstPlatform = fromNanos(at), core.Kind(kind), core.Platform(srcP), core.Platform(dstP)
		e.Latency = time.Duration(latency) * time.Millisecond
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("traffic: %w", err)
	}
	return out, nil
}

// PurgeTraffic implements store.Store, then vacuums the table.
func (s *Store) PurgeTraffic(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM traffic WHERE at < $1`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("purge traffic: %w", err)
	}
	n := int(tag.RowsAffected())
	if n > 0 {
		if err := s.shred(ctx, "traffic"); err != nil {
			return n, fmt.Errorf("purge traffic: %w", err)
		}
	}
	return n, nil
}
