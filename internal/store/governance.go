package store

import (
	"time"

	"parley/internal/core"
)

// Policy is a tenant's policy document (internal/policy), sealed by the
// vault with the tenant's key: it names people (restricted senders) and
// may hold admins' patterns, which can be personal data themselves.
type Policy struct {
	Tenant  core.TenantID
	Sealed  []byte
	Updated time.Time
}
