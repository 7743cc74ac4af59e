// Package msgmap remembers which messages are copies of which, so that an
// edit, delete, reply or reaction on any copy reaches every other copy.
//
// Nothing in it is readable without the tenant's keys: a copy is found by a
// keyed hash (blind index) of its platform/workspace/channel/message IDs, and
// the IDs themselves are stored sealed. Entries expire after a TTL, after
// which later edits and reactions are no longer relayed — the price of not
// keeping a permanent record of who talked where.
package msgmap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/vault"
)

// ErrNotFound: the message is unknown or its entry expired.
var ErrNotFound = errors.New("message not in the message map")

// Map is the message map.
type Map struct {
	store store.Store
	vault *vault.Vault
	ttl   time.Duration
	now   func() time.Time
}

// New returns a map whose entries live for ttl.
func New(s store.Store, v *vault.Vault, ttl time.Duration, now func() time.Time) *Map {
	if now == nil {
		now = time.Now
	}
	return &Map{store: s, vault: v, ttl: ttl, now: now}
}

// entry is what is sealed for each copy.
type entry struct {
	Ref      core.MessageRef `json:"ref"`
	Original bool            `json:"original,omitempty"`
	// Part is the index of this copy among the parts of a message that was
	// too long for its destination and posted in several (see parts.go).
	Part int `json:"part,omitempty"`
	// Gone marks a part deleted because an edit made the message shorter:
	// still a copy (for echo suppression), no longer a part to edit.
	Gone bool `json:"gone,omitempty"`
}

func (m *Map) key(ctx context.Context, tenant core.TenantID, ref core.MessageRef) (string, error) {
	return m.vault.Index(ctx, tenant, "msg", string(ref.Platform), string(ref.Workspace), string(ref.Channel), string(ref.Message))
}

// Record notes that cp is a copy of original. Recording the same pair
// again is harmless.
func (m *Map) Record(ctx context.Context, tenant core.TenantID, original, cp core.MessageRef) error {
	return m.put(ctx, tenant, original, entry{Ref: cp})
}

// put seals and stores cp's entry, and the original's (again: harmless).
func (m *Map) put(ctx context.Context, tenant core.TenantID, original core.MessageRef, cp entry) error {
	group, err := m.key(ctx, tenant, original)
	if err != nil {
		return err
	}
	expires := m.now().Add(m.ttl)
	var copies [2]store.Copy
	for i, e := range []entry{{Ref: original, Original: true}, cp} {
		k, err := m.key(ctx, tenant, e.Ref)
		if err != nil {
			return err
		}
		plain, err := json.Marshal(e)
		if err != nil {
			return err
		}
		sealed, err := m.vault.Seal(ctx, tenant, plain, []byte("msgmap|"+k))
		if err != nil {
			return fmt.Errorf("seal message map entry: %w", err)
		}
		copies[i] = store.Copy{Tenant: tenant, Group: group, Key: k, Sealed: sealed, Expires: expires}
	}
	// Both in one write: one commit to wait for, not two.
	if err := m.store.PutCopy(ctx, copies[:]...); err != nil {
		return fmt.Errorf("record message copy: %w", err)
	}
	return nil
}

// Find returns the ID of the copy in channel dest of the message ref (which
// may itself be the original or any copy). When the copy is in several
// parts it returns the first, so replies and reactions attach to it.
func (m *Map) Find(ctx context.Context, tenant core.TenantID, ref core.MessageRef, dest core.ChannelRef) (core.MessageID, error) {
	parts, err := m.FindParts(ctx, tenant, ref, dest)
	if err != nil {
		return "", err
	}
	return parts[0], nil
}

// IsCopy reports whether ref is a message Parley posted as a copy, which
// must never be relayed again (echo suppression).
func (m *Map) IsCopy(ctx context.Context, tenant core.TenantID, ref core.MessageRef) (bool, error) {
	k, err := m.key(ctx, tenant, ref)
	if err != nil {
		return false, err
	}
	c, err := m.store.FindCopy(ctx, tenant, k)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	e, err := m.open(ctx, tenant, c)
	if err != nil {
		return false, err
	}
	return !e.Original, nil
}

func (m *Map) group(ctx context.Context, tenant core.TenantID, ref core.MessageRef) ([]entry, error) {
	k, err := m.key(ctx, tenant, ref)
	if err != nil {
		return nil, err
	}
	c, err := m.store.FindCopy(ctx, tenant, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	copies, err := m.store.GroupCopies(ctx, tenant, c.Group)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(copies))
	for _, c := range copies {
		e, err := m.open(ctx, tenant, c)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (m *Map) open(ctx context.Context, tenant core.TenantID, c store.Copy) (entry, error) {
	plain, err := m.vault.Open(ctx, tenant, c.Sealed, []byte("msgmap|"+c.Key))
	if err != nil {
		return entry{}, fmt.Errorf("open message map entry: %w", err)
	}
	var e entry
	if err := json.Unmarshal(plain, &e); err != nil {
		return entry{}, fmt.Errorf("decode message map entry: %w", err)
	}
	return e, nil
}
