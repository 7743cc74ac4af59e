// Package installs is a connector's table of installed workspaces: which
// Parley tenant each belongs to, and what the connector keeps for it.
// Inbound deliveries name only the platform's workspace (a Slack team, a
// Teams tenant, a Webex org), so a workspace belongs to one tenant: a
// second tenant's install is refused with connector.ErrOtherTenant rather
// than taking the workspace's events over, and an uninstall by another
// tenant leaves it alone.
package installs

import (
	"sync"

	"parley/internal/connector"
	"parley/internal/core"
)

// Table maps each installed workspace to its tenant and a value of T. The
// zero Table is empty and ready; it is safe for concurrent use.
type Table[T any] struct {
	mu sync.RWMutex
	m  map[core.WorkspaceID]entry[T]
}

type entry[T any] struct {
	tenant core.TenantID
	v      T
}

// Check returns connector.ErrOtherTenant when ws is installed for another
// tenant, for a connector to ask before it changes anything on the
// platform for tenant.
func (t *Table[T]) Check(ws core.WorkspaceID, tenant core.TenantID) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.checkLocked(ws, tenant)
}

func (t *Table[T]) checkLocked(ws core.WorkspaceID, tenant core.TenantID) error {
	if e, ok := t.m[ws]; ok && e.tenant != tenant {
		return connector.ErrOtherTenant
	}
	return nil
}

// Put installs ws for tenant with v, replacing tenant's earlier install of
// it, or returns connector.ErrOtherTenant.
func (t *Table[T]) Put(ws core.WorkspaceID, tenant core.TenantID, v T) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(ws, tenant); err != nil {
		return err
	}
	if t.m == nil {
		t.m = make(map[core.WorkspaceID]entry[T])
	}
	t.m[ws] = entry[T]{tenant: tenant, v: v}
	return nil
}

// Remove uninstalls ws if tenant holds it.
func (t *Table[T]) Remove(tenant core.TenantID, ws core.WorkspaceID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.m[ws]; ok && e.tenant == tenant {
		delete(t.m, ws)
	}
}

// Get returns what is installed under ws.
func (t *Table[T]) Get(ws core.WorkspaceID) (T, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	e, ok := t.m[ws]
	return e.v, ok
}
