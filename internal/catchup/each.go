package catchup

import (
	"context"
	"sync"
	"time"

	"parley/internal/connector"
	"parley/internal/core"
)

// Pending is one channel a plan will catch up.
type Pending struct {
	Tenant  core.TenantID
	Channel core.ChannelRef
}

// Pending lists the channels the plan covers, so that live events from them
// can wait until what was missed before them has gone first.
func (p *Plan) Pending() []Pending {
	out := make([]Pending, len(p.items))
	for i, it := range p.items {
		out[i] = Pending{Tenant: it.tenant, Channel: it.ch}
	}
	return out
}

// catchUpTries bounds the attempts per channel: a platform answering 429
// or 503 at start is usually back within seconds, and while a channel is
// being caught up its live events wait.
const catchUpTries = 5

// RunEach catches every channel up at once, retrying transient failures a
// few times, and calls done once per channel with the final error. Channels
// run concurrently so one slow platform does not hold up the others; RunEach
// returns when all are done.
func (p *Plan) RunEach(ctx context.Context, clients Clients, sink connector.Sink, done func(Pending, error)) {
	var wg sync.WaitGroup
	for _, it := range p.items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			wait := 500 * time.Millisecond
			for try := 1; ; try++ {
				err = p.c.channelAndThreads(ctx, it, clients, sink)
				if err == nil || try == catchUpTries || permanent(err) || ctx.Err() != nil {
					break
				}
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
				case <-t.C:
				}
				t.Stop()
				wait *= 2
			}
			done(Pending{Tenant: it.tenant, Channel: it.ch}, err)
		}()
	}
	wg.Wait()
}

// permanent: a catch-up retrying cannot fix (the one rule of
// connector.Retryable).
func permanent(err error) bool { return !connector.Retryable(err) }

// channelAndThreads catches up a channel's top-level messages, then, where
// the platform can list them, the replies posted in its threads meanwhile.
func (c *Catchup) channelAndThreads(ctx context.Context, it planned, clients Clients, sink connector.Sink) error {
	if _, err := c.channel(ctx, it, clients, sink); err != nil {
		return err
	}
	client, err := clients.Client(it.tenant, it.ch.Platform, it.ch.Workspace)
	if err != nil {
		return err
	}
	th, ok := client.(connector.ThreadHistory)
	if !ok {
		return nil
	}
	events, err := th.RepliesAfter(ctx, it.ch.Channel, it.after, Limit)
	if err != nil {
		return err
	}
	for _, ev := range events {
		ev.Tenant, ev.Source = it.tenant, it.ch
		if err := sink.Accept(ctx, ev); err != nil {
			return err
		}
	}
	if len(events) > 0 {
		c.log.Info("caught up thread replies after downtime", "platform", it.ch.Platform, "replies", len(events))
	}
	return nil
}
