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

// Alert is a monitoring alert: what crossed which threshold on which link,
// in content-free words ("12 files in an hour; the limit is 3").
type Alert struct {
	Tenant core.TenantID
	ID     string
	Time   time.Time
	// Kind is a label such as "limit.files_per_hour",
	// "baseline.messages" or "policy.alert".
	Kind string
	Link core.LinkID // empty for the tenant as a whole
	// Detail is content-free: counts, limits and rule names only.
	Detail  string
	Expires time.Time
}

// Quarantine stops a link relaying until an admin releases it.
type Quarantine struct {
	Tenant core.TenantID
	Link   core.LinkID
	Since  time.Time
	Reason string // the alert kind that caused it
}
