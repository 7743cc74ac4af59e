// Package store declares where Parley keeps what it must remember between
// restarts: tenants, connected workspaces, links, wrapped tenant keys, the
// message map and replay-guard marks. One interface, two back ends
// (internal/store/sqlite embedded, internal/store/postgres for scale-out,
// chosen by internal/store/driver), both held to one conformance suite in
// internal/store/storetest.
//
// Nothing here is content. Credentials and message-map values arrive already
// sealed by the vault, and message-map keys are blind indexes, so a copy of
// the database reveals neither messages nor tokens. Every method that reads
// or writes tenant data takes the tenant, and back ends must scope every
// query by it: one tenant can never reach another's rows.
package store

import (
	"context"
	"errors"
	"time"

	"parley/internal/core"
)

// Sentinel errors; back ends wrap them with %w.
var (
	// ErrNotFound: no such row (or it has expired).
	ErrNotFound = errors.New("not found")
	// ErrExists: the row being created is already there.
	ErrExists = errors.New("already exists")
	// ErrConflict: the write would break an invariant, such as a channel
	// belonging to two links of one tenant, or a workspace belonging to two
	// tenants.
	ErrConflict = errors.New("conflict")
)

// Tenant is a Parley customer.
type Tenant struct {
	ID      core.TenantID
	Name    string
	Created time.Time
}

// Workspace is one installation of Parley on a platform.
type Workspace struct {
	Tenant   core.TenantID
	Platform core.Platform
	ID       core.WorkspaceID
	Name     string
	// Credentials are the workspace's tokens sealed by the vault; the store
	// never sees them in clear.
	Credentials []byte
	Healthy     bool
	Updated     time.Time
	Origin      Origin
}

// Link is a room of channels on several platforms whose messages are relayed
// to each other. A channel belongs to at most one link of a tenant, so an
// inbound message maps to exactly one room.
type Link struct {
	ID       core.LinkID
	Tenant   core.TenantID
	Name     string
	Channels []core.ChannelRef
	Origin   Origin
}

// Key purposes. A tenant has one key per purpose so that a blind index never
// shares a key with encryption.
const (
	PurposeData  = "data"
	PurposeIndex = "index"
)

// WrappedKey is a tenant key encrypted by the key-encryption key (KEK).
type WrappedKey struct {
	Tenant  core.TenantID
	Purpose string // PurposeData or PurposeIndex
	KEKID   string // the KEK version that wrapped it
	Wrapped []byte
	Created time.Time
}

// Copy is one entry of the message map: a copy of a relayed message on some
// platform, found again by a blind index of its MessageRef when the original
// is edited, deleted, replied to or reacted to.
type Copy struct {
	Tenant core.TenantID
	// Group ties together the copies of one original message (itself a
	// blind index), so an edit can reach every copy.
	Group string
	// Key is the blind index of this copy's MessageRef.
	Key string
	// Sealed is this copy's MessageRef sealed by the vault.
	Sealed []byte
	// Expires is when the entry may be purged; the zero time means never.
	Expires time.Time
}

// Store is Parley's persistent state. Implementations are safe for
// concurrent use by many goroutines and by several processes sharing the
// same database.
type Store interface {
	// CreateTenant adds a tenant; ErrExists if its ID is taken.
	CreateTenant(ctx context.Context, t Tenant) error
	// Tenant returns one tenant; ErrNotFound if absent.
	Tenant(ctx context.Context, id core.TenantID) (Tenant, error)
	// Tenants lists every tenant, ordered by ID.
	Tenants(ctx context.Context) ([]Tenant, error)
	// DeleteTenant removes the tenant and every row it owns: workspaces,
	// links, message-map copies, keys, role assignments, its policy,
	// alerts and quarantines, and its audit chain. Deleting an absent tenant is not an
	// error, so an interrupted erasure can simply be run again.
	DeleteTenant(ctx context.Context, id core.TenantID) error

	// PutWorkspace inserts or replaces the workspace (tenant, platform, id);
	// ErrNotFound if the tenant does not exist, ErrConflict if another tenant
	// already has the workspace (platform, id). A workspace belongs to one
	// tenant only: its inbound events are attributed by the workspace, so
	// two owners would let one tenant read the other's traffic.
	PutWorkspace(ctx context.Context, w Workspace) error
	// Workspaces lists the tenant's workspaces.
	Workspaces(ctx context.Context, tenant core.TenantID) ([]Workspace, error)
	// AllWorkspaces lists every tenant's workspaces, for start-up.
	AllWorkspaces(ctx context.Context) ([]Workspace, error)

	// PutLink inserts or replaces the link and its channels; ErrConflict if
	// a channel already belongs to another link of the tenant, ErrNotFound
	// if the tenant does not exist.
	PutLink(ctx context.Context, l Link) error
	// Links lists the tenant's links, channels in the order they were put.
	Links(ctx context.Context, tenant core.TenantID) ([]Link, error)
	// AllLinks lists every tenant's links, for start-up.
	AllLinks(ctx context.Context) ([]Link, error)
	// DeleteLink removes a link; ErrNotFound if absent.
	DeleteLink(ctx context.Context, tenant core.TenantID, id core.LinkID) error

	// PutKey inserts or replaces the key (tenant, purpose).
	PutKey(ctx context.Context, k WrappedKey) error
	// CreateKey inserts the key only if (tenant, purpose) has none;
	// ErrExists otherwise. Two processes creating a tenant's first key race
	// here, and exactly one wins.
	CreateKey(ctx context.Context, k WrappedKey) error
	// ReplaceKey stores k only while (tenant, purpose) still holds prev as
	// its wrapped bytes; ErrNotFound otherwise. Rotation uses it so that a
	// re-wrap can never resurrect a key shredded meanwhile.
	ReplaceKey(ctx context.Context, k WrappedKey, prev []byte) error
	// Keys lists the tenant's keys.
	Keys(ctx context.Context, tenant core.TenantID) ([]WrappedKey, error)
	// AllKeys lists every key, for rotation.
	AllKeys(ctx context.Context) ([]WrappedKey, error)
	// DeleteKeys removes the tenant's keys: crypto-shredding. When it
	// returns nil the wrapped keys are gone from the back end's files too
	// (not merely unlinked from an index), so a copy of the data directory
	// taken afterwards holds nothing the key-encryption key could unwrap.
	DeleteKeys(ctx context.Context, tenant core.TenantID) error

	// PutCopy inserts or replaces each copy (tenant, key), all of them or
	// none: the message map records a copy and its original together.
	PutCopy(ctx context.Context, cs ...Copy) error
	// FindCopy returns the copy with the blind index key; ErrNotFound if
	// absent or expired.
	FindCopy(ctx context.Context, tenant core.TenantID, key string) (Copy, error)
	// GroupCopies lists the unexpired copies of one group.
	GroupCopies(ctx context.Context, tenant core.TenantID, group string) ([]Copy, error)
	// DeleteExpired purges message-map copies, replay-guard marks, dead
	// letters, alerts and access tokens that expired at or before now, and reports how many rows
	// went. Like every delete here, it destroys the rows' bytes on disk.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)

	// FirstSeen records a replay-guard mark if absent (or expired) and
	// reports whether this call recorded it; a zero expires never expires.
	// Marks are not scoped by tenant, so callers put the tenant (or the
	// platform's globally unique delivery ID) into key. Atomic across goroutines and
	// processes: of many concurrent calls with one key, exactly one is true.
	FirstSeen(ctx context.Context, key string, expires time.Time) (bool, error)
	// ForgetSeen removes a mark, so a delivery that failed can be retried.
	ForgetSeen(ctx context.Context, key string) error

	// PutCursor records the last message seen in a channel (upsert).
	PutCursor(ctx context.Context, c Cursor) error
	// Cursor returns a channel's cursor, or ErrNotFound.
	Cursor(ctx context.Context, tenant core.TenantID, key string) (Cursor, error)

	// AddTraffic appends one content-free traffic-log entry.
	AddTraffic(ctx context.Context, e TrafficEntry) error
	// Traffic lists a tenant's entries at or after since, oldest first, at
	// most limit of them.
	Traffic(ctx context.Context, tenant core.TenantID, since time.Time, limit int) ([]TrafficEntry, error)
	// PurgeTraffic deletes every entry older than before.
	PurgeTraffic(ctx context.Context, before time.Time) (int, error)

	// PutDeadLetter parks an event whose handling crashed; ErrExists if
	// (tenant, id) is already parked, so a redelivered event is parked
	// once.
	PutDeadLetter(ctx context.Context, d DeadLetter) error
	// DeadLetters lists the tenant's unexpired dead letters, oldest first.
	DeadLetters(ctx context.Context, tenant core.TenantID) ([]DeadLetter, error)
	// DeleteDeadLetter removes one; ErrNotFound if absent.
	DeleteDeadLetter(ctx context.Context, tenant core.TenantID, id string) error

	// DeleteWorkspace removes the workspace (its sealed credentials
	// destroyed) and its channels from the tenant's links; ErrNotFound if
	// absent.
	DeleteWorkspace(ctx context.Context, tenant core.TenantID, p core.Platform, id core.WorkspaceID) error

	// PutRole inserts or replaces the assignment (tenant, person);
	// ErrNotFound if the tenant does not exist (Installation always does).
	PutRole(ctx context.Context, r RoleAssignment) error
	// Roles lists the scope's assignments, ordered by person.
	Roles(ctx context.Context, tenant core.TenantID) ([]RoleAssignment, error)
	// RolesOf lists one person's assignments in every scope, ordered by
	// tenant.
	RolesOf(ctx context.Context, person string) ([]RoleAssignment, error)
	// DeleteRole removes an assignment; ErrNotFound if absent.
	DeleteRole(ctx context.Context, tenant core.TenantID, person string) error

	// CreateAccessToken stores a token; ErrExists if its hash or ID is
	// taken.
	CreateAccessToken(ctx context.Context, t AccessToken) error
	// AccessToken returns the token with that hash, expired or not;
	// ErrNotFound if absent.
	AccessToken(ctx context.Context, hash string) (AccessToken, error)
	// AccessTokens lists a person's tokens of one kind, oldest first.
	AccessTokens(ctx context.Context, person, kind string) ([]AccessToken, error)
	// DeleteAccessToken removes one of a person's tokens by ID;
	// ErrNotFound if that person has no such token.
	DeleteAccessToken(ctx context.Context, person, id string) error

	// AppendAudit adds e at the end of its tenant's chain: e.Seq must be
	// one more than the last entry's (1 for an empty chain), else
	// ErrConflict, so two writers racing for one place cannot both win.
	// Entries are never updated.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// LastAudit returns the chain's last entry; ErrNotFound if empty.
	LastAudit(ctx context.Context, tenant core.TenantID) (AuditEntry, error)
	// Audit lists the chain's entries with Seq > after, in order, at most
	// limit of them.
	Audit(ctx context.Context, tenant core.TenantID, after int64, limit int) ([]AuditEntry, error)
	// AuditChains lists the scopes that have an audit chain.
	AuditChains(ctx context.Context) ([]core.TenantID, error)
	// PurgeAudit destroys the chain's entries with Seq < before and reports
	// how many went.
	PurgeAudit(ctx context.Context, tenant core.TenantID, before int64) (int, error)

	// PutPolicy inserts or replaces the tenant's policy; ErrNotFound if
	// the tenant does not exist.
	PutPolicy(ctx context.Context, p Policy) error
	// Policy returns the tenant's policy; ErrNotFound if it has none.
	Policy(ctx context.Context, tenant core.TenantID) (Policy, error)
	// AllPolicies lists every tenant's policy, for the router.
	AllPolicies(ctx context.Context) ([]Policy, error)

	// AddAlert stores a monitoring alert; ErrNotFound if the tenant does
	// not exist (Installation always does). Alerts go at Expires, with
	// DeleteExpired.
	AddAlert(ctx context.Context, a Alert) error
	// Alerts lists the tenant's alerts at or after since, oldest first, at
	// most limit of them.
	Alerts(ctx context.Context, tenant core.TenantID, since time.Time, limit int) ([]Alert, error)

	// PutQuarantine stops a link (upsert); ErrNotFound if the tenant does
	// not exist.
	PutQuarantine(ctx context.Context, q Quarantine) error
	// Quarantines lists every quarantined link of every tenant.
	Quarantines(ctx context.Context) ([]Quarantine, error)
	// DeleteQuarantine releases a link; ErrNotFound if it was not
	// quarantined.
	DeleteQuarantine(ctx context.Context, tenant core.TenantID, link core.LinkID) error

	// Ping returns nil when the database answers a query now: readiness
	// probes ask it, under a short deadline, before the node takes events.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// TrafficEntry records one relay attempt's outcome without content:
// pseudonymous channels, sizes and counts only.
type TrafficEntry struct {
	Tenant      core.TenantID
	Time        time.Time
	Kind        core.Kind
	SrcPlatform core.Platform
	Src         string // pseudonym of the source channel
	DstPlatform core.Platform
	Dst         string // pseudonym of the destination channel
	Size        int64  // bytes of text and files
	Files       int
	Outcome     string // "delivered", or a content-free failure reason
	Attempts    int
	Latency     time.Duration
}

// DeadLetter is an event set aside because handling it panicked, so that
// one poisoned event cannot stop the relay of every other. The event stays
// sealed with its tenant's data key (shredding the tenant destroys it too)
// and is purged at Expires like every other row.
type DeadLetter struct {
	Tenant core.TenantID
	// ID is the event's bus message ID, a pseudonym unique per event.
	ID string
	// Sealed is the event as it was on the bus: sealed by the vault.
	Sealed []byte
	// Reason says where handling failed, without content ("panic in
	// delivery to slack").
	Reason  string
	Time    time.Time
	Expires time.Time
}

// Cursor is the last message seen in a linked channel. Key is a blind index
// of the channel; Sealed holds the message reference and time.
type Cursor struct {
	Tenant  core.TenantID
	Key     string
	Sealed  []byte
	Updated time.Time
}
