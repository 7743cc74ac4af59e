// Package audit keeps the traffic log: a content-free record of every relay
// attempt (time, tenant, pseudonymous source and destination, size, kind,
// outcome, attempts) that only admins can read and that is destroyed after
// its retention period — 72 hours unless configured otherwise.
package audit

import (
	"context"
	"log/slog"
	"time"

	"parley/internal/store"
)

// DefaultRetention is how long entries are kept.
const DefaultRetention = 72 * time.Hour

// Traffic records and purges traffic-log entries.
type Traffic struct {
	store     store.Store
	retention time.Duration
	now       func() time.Time
	log       *slog.Logger
}

// NewTraffic returns a traffic log; now is the clock (nil: time.Now), so
// tests can prove the purge without waiting three days.
func NewTraffic(s store.Store, retention time.Duration, now func() time.Time, log *slog.Logger) *Traffic {
	if retention <= 0 {
		retention = DefaultRetention
	}
	if now == nil {
		now = time.Now
	}
	return &Traffic{store: s, retention: retention, now: now, log: log}
}

// Record appends e, stamped now if it has no time. A failure to record is
// logged, never allowed to stop relaying.
func (t *Traffic) Record(ctx context.Context, e store.TrafficEntry) {
	if e.Time.IsZero() {
		e.Time = t.now()
	}
	if err := t.store.AddTraffic(ctx, e); err != nil {
		t.log.Warn("traffic log entry not recorded", "err", err)
	}
}

// Purge destroys entries older than the retention period.
func (t *Traffic) Purge(ctx context.Context) (int, error) {
	return t.store.PurgeTraffic(ctx, t.now().Add(-t.retention))
}

// Run purges every interval until ctx is done.
func (t *Traffic) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n, err := t.Purge(ctx); err != nil {
				t.log.Warn("traffic log purge failed", "err", err)
			} else if n > 0 {
				t.log.Info("traffic log purged", "entries", n)
			}
		}
	}
}
