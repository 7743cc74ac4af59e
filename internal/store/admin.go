package store

import (
	"time"

	"parley/internal/core"
)

// Origin says who made a link, workspace or role assignment, so that the
// config file, applied at every start, removes only what it made itself and
// never what was made through the admin API.
type Origin string

// Origins.
const (
	OriginConfig Origin = "config"
	OriginAPI    Origin = "api"
)

// Installation is the scope of what belongs to the deployment rather than
// to one tenant: the installation operators' role assignments and the
// audit chain of deployment-wide actions. No tenant can have an empty ID.
const Installation core.TenantID = ""

// RoleAssignment gives a person a role in a tenant (or, under
// Installation, over the deployment). The person is known by a blind index
// of their email; the email itself is sealed.
type RoleAssignment struct {
	Tenant core.TenantID
	// Person is a keyed hash of the lower-cased email, the same in every
	// tenant so that one sign-in finds all of a person's roles.
	Person string
	Role   string
	// SealedEmail is the email sealed by the vault (with the tenant's key,
	// or the deployment's for Installation).
	SealedEmail []byte
	// Provider, if set, is the only sign-in provider trusted to vouch for
	// this person's email.
	Provider string
	Origin   Origin
	Updated  time.Time
}

// Access-token kinds.
const (
	TokenPersonal = "personal" // a personal API token, for scripts
	TokenSession  = "session"  // a console session, in a cookie
)

// AccessToken is a personal API token or a console session. Only a keyed
// hash of its secret is kept; what it may do is looked up from its
// person's role assignments at each use, so revoking a role revokes what
// the token can do.
type AccessToken struct {
	// Hash is the keyed hash of the whole secret: the lookup key.
	Hash string
	// ID is public, short and unique: what lists show and revocation
	// names.
	ID       string
	Kind     string // TokenPersonal or TokenSession
	Person   string // as in RoleAssignment
	Provider string // the sign-in provider of the session that made it
	Created  time.Time
	Expires  time.Time
}

// AuditEntry is one record of the audit log: who did what to which
// object, and how it ended, never any content. Each tenant (and the
// installation) has its own chain: Seq counts from 1 without gaps, and
// MAC is a keyed hash over the entry and Prev, the previous entry's MAC,
// so a changed, removed or reordered entry breaks the chain.
type AuditEntry struct {
	Tenant  core.TenantID
	Seq     int64
	Time    time.Time
	Actor   string // a pseudonymous person ID, or "bootstrap"
	Role    string // the role the actor acted in
	Action  string // e.g. "link.create"
	Target  string // e.g. "link:partners"
	Outcome string // "ok", "denied", or a content-free reason
	Prev    string
	MAC     string
}
