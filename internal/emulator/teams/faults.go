package teams

import (
	"sync"
	"time"
)

// fault is an injected failure per SANDBOX.md: the next count calls (or
// every call until until) touching workspace (a tenant ID) fail with
// status and/or are delayed by latency. With neither count nor seconds it
// lasts until cleared.
type fault struct {
	workspace  string // "" matches every tenant
	status     int
	retryAfter int
	count      int // remaining calls when counted
	counted    bool
	until      time.Time
	latency    time.Duration
}

type faultTable struct {
	mu     sync.Mutex
	now    func() time.Time
	faults []*fault
}

func (t *faultTable) add(f *fault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = append(t.faults, f)
}

func (t *faultTable) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = nil
}

// take returns the fault that applies to a call touching workspace, using
// up one of its counted calls. Expired and used-up faults are dropped.
func (t *faultTable) take(workspace string) (fault, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	live := t.faults[:0]
	var hit *fault
	for _, f := range t.faults {
		if (f.counted && f.count <= 0) || (!f.until.IsZero() && now.After(f.until)) {
			continue
		}
		live = append(live, f)
		if hit == nil && (f.workspace == "" || f.workspace == workspace) {
			hit = f
		}
	}
	t.faults = live
	if hit == nil {
		return fault{}, false
	}
	if hit.counted {
		hit.count--
	}
	return *hit, true
}
