// Package catchup relays what was posted while Parley was down for longer
// than the platforms keep redelivering (Slack gives up after about five
// minutes). It remembers the last message seen in every linked channel and,
// at start, asks each platform's history API for what came after, feeding it
// through the same durable path as live events. The router relays a message
// once however many times it arrives (its message map knows what already
// crossed over), so live redeliveries and catch-up can overlap safely.
//
// Only top-level messages are caught up: channel history does not list
// thread replies, and edits and deletes made during downtime are not
// replayed.
package catchup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/vault"
)

// Limit is the most messages caught up per channel at one start.
const Limit = 500

// Clients finds the client of a workspace installed for a tenant.
type Clients interface {
	Client(t core.TenantID, p core.Platform, ws core.WorkspaceID) (connector.Client, error)
}

// Catchup keeps cursors and replays history.
type Catchup struct {
	store store.Store
	vault *vault.Vault
	log   *slog.Logger
}

// New returns a Catchup; no I/O.
func New(s store.Store, v *vault.Vault, log *slog.Logger) *Catchup {
	return &Catchup{store: s, vault: v, log: log}
}

type cursor struct {
	Message core.MessageID `json:"m"`
	Time    time.Time      `json:"t"`
}

func (c *Catchup) key(ctx context.Context, t core.TenantID, ch core.ChannelRef) (string, error) {
	return c.vault.Index(ctx, t, "cursor", string(ch.Platform), string(ch.Workspace), string(ch.Channel))
}

// Seen records ev as the last message seen in its channel when it is a new
// top-level message. Callers call it in bus order.
func (c *Catchup) Seen(ctx context.Context, ev core.Event) error {
	if ev.Kind != core.Posted || ev.Thread != "" {
		return nil
	}
	k, err := c.key(ctx, ev.Tenant, ev.Source)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(cursor{Message: ev.Message, Time: ev.Time})
	if err != nil {
		return err
	}
	sealed, err := c.vault.Seal(ctx, ev.Tenant, plain, []byte("cursor|"+k))
	if err != nil {
		return err
	}
	return c.store.PutCursor(ctx, store.Cursor{Tenant: ev.Tenant, Key: k, Sealed: sealed, Updated: time.Now()})
}

// Plan is where each linked channel was when Parley last saw it.
type Plan struct {
	c     *Catchup
	items []planned
}

type planned struct {
	tenant core.TenantID
	ch     core.ChannelRef
	after  core.MessageID
}

// Snapshot reads every linked channel's cursor. Take it before live events
// start moving the cursors, or what was missed would be skipped.
func (c *Catchup) Snapshot(ctx context.Context, links []store.Link) (*Plan, error) {
	p := &Plan{c: c}
	for _, l := range links {
		for _, ch := range l.Channels {
			last, ok, err := c.cursor(ctx, l.Tenant, ch)
			if err != nil {
				return nil, err
			}
			if ok { // a channel never seen has nothing to catch up
				p.items = append(p.items, planned{tenant: l.Tenant, ch: ch, after: last.Message})
			}
		}
	}
	return p, nil
}

func (c *Catchup) cursor(ctx context.Context, tenant core.TenantID, ch core.ChannelRef) (cursor, bool, error) {
	k, err := c.key(ctx, tenant, ch)
	if err != nil {
		return cursor{}, false, err
	}
	cur, err := c.store.Cursor(ctx, tenant, k)
	if errors.Is(err, store.ErrNotFound) {
		return cursor{}, false, nil
	}
	if err != nil {
		return cursor{}, false, err
	}
	plain, err := c.vault.Open(ctx, tenant, cur.Sealed, []byte("cursor|"+k))
	if err != nil {
		return cursor{}, false, err
	}
	var last cursor
	if err := json.Unmarshal(plain, &last); err != nil {
		return cursor{}, false, err
	}
	return last, true, nil
}

// Run fetches each channel's history after its cursor and passes every
// missed message to sink. A platform without a history API is skipped
// with a log line; one channel's failure does not stop the others.
func (p *Plan) Run(ctx context.Context, clients Clients, sink connector.Sink) (int, error) {
	total := 0
	var errs []error
	for _, it := range p.items {
		n, err := p.c.channel(ctx, it, clients, sink)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("catch up %s channel %s: %w", it.ch.Platform, p.c.vault.Pseudonym(it.ch.String()), err))
		}
	}
	return total, errors.Join(errs...)
}

func (c *Catchup) channel(ctx context.Context, it planned, clients Clients, sink connector.Sink) (int, error) {
	client, err := clients.Client(it.tenant, it.ch.Platform, it.ch.Workspace)
	if err != nil {
		return 0, err
	}
	h, ok := client.(connector.History)
	if !ok {
		c.log.Info("no history to catch up from", "platform", it.ch.Platform)
		return 0, nil
	}
	events, err := h.History(ctx, it.ch.Channel, it.after, Limit)
	if err != nil {
		return 0, err
	}
	for _, ev := range events {
		ev.Tenant, ev.Source = it.tenant, it.ch
		if err := sink.Accept(ctx, ev); err != nil {
			return 0, err
		}
	}
	if len(events) > 0 {
		c.log.Info("caught up after downtime", "platform", it.ch.Platform, "messages", len(events))
	}
	return len(events), nil
}
