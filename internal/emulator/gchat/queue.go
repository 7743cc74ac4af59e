package gchat

import (
	"context"
	"sync"
	"time"
)

// job is one delivery: attempt makes one try and reports whether the
// receiver acknowledged it; retry says whether a failure is retried.
type job struct {
	attempt func(ctx context.Context, try int) bool
	retry   bool
}

// queue delivers one app's jobs of one kind strictly in order, one at a
// time: a Pub/Sub push is retried (Options.RetryDelays) before the next
// one is sent, as with an ordered subscription, so a receiver never sees
// an edit before the message it edits.
type queue struct {
	e    *Emulator
	kind string

	mu    sync.Mutex
	items []job
	// held keeps jobs queued without sending them (an unreachable push
	// endpoint: Pub/Sub retains the messages and sends them, in order,
	// once it is back).
	held bool
	wake chan struct{}
}

// hold stops or resumes sending; queued jobs wait, in order.
func (q *queue) hold(on bool) {
	q.mu.Lock()
	q.held = on
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func newQueue(e *Emulator, kind string) *queue {
	return &queue{e: e, kind: kind, wake: make(chan struct{}, 1)}
}

// push may be called with e.mu held; it never blocks.
func (q *queue) push(j job) {
	q.mu.Lock()
	q.items = append(q.items, j)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run is the queue's goroutine, owned by the Emulator and stopped by Close.
func (q *queue) run() {
	ctx := q.e.ctx
	for {
		q.mu.Lock()
		if len(q.items) == 0 || q.held {
			q.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-q.wake:
				continue
			}
		}
		j := q.items[0]
		q.items = q.items[1:]
		q.mu.Unlock()
		q.deliver(ctx, j)
		if ctx.Err() != nil {
			return
		}
	}
}

func (q *queue) deliver(ctx context.Context, j job) {
	if j.attempt(ctx, 0) || !j.retry {
		return
	}
	for i, d := range q.e.opts.RetryDelays {
		if !sleepCtx(ctx, d) {
			return
		}
		if j.attempt(ctx, i+1) {
			return
		}
	}
	q.e.log.Warn("delivery dropped after retries", "kind", q.kind)
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed. It
// is a deliberate delay (retry schedule, injected latency), not a poll.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
