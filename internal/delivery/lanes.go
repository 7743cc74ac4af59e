package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is one delivery to one destination.
type Job struct {
	// Do performs the delivery. Its error decides what happens next (see
	// Classify).
	Do func(ctx context.Context) error
	// Done is called exactly once with nil or the final error.
	Done func(err error)
	// Deadline: after it, retrying stops with the last error.
	Deadline time.Time
}

// Lanes owns the lane goroutines.
type Lanes struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger
	policy Policy

	mu    sync.Mutex
	lanes map[string]*lane
	wg    sync.WaitGroup
}

type lane struct {
	queue []Job
	busy  bool
}

// New starts an empty set of lanes. Close stops them.
func New(log *slog.Logger, policy Policy) *Lanes {
	ctx, cancel := context.WithCancel(context.Background())
	return &Lanes{ctx: ctx, cancel: cancel, log: log, policy: policy.withDefaults(), lanes: map[string]*lane{}}
}

// Submit appends job to the lane named key, starting the lane if idle. It
// never blocks. After Close, the job's Done gets context.Canceled.
func (l *Lanes) Submit(key string, job Job) {
	l.mu.Lock()
	if l.ctx.Err() != nil {
		l.mu.Unlock()
		job.Done(context.Canceled)
		return
	}
	ln := l.lanes[key]
	if ln == nil {
		ln = &lane{}
		l.lanes[key] = ln
	}
	ln.queue = append(ln.queue, job)
	start := !ln.busy
	ln.busy = true
	if start {
		l.wg.Add(1)
	}
	l.mu.Unlock()
	if start {
		go l.run(key, ln)
	}
}

// Depth returns the number of jobs waiting or running in a lane.
func (l *Lanes) Depth(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ln := l.lanes[key]; ln != nil {
		return len(ln.queue)
	}
	return 0
}

// run drains one lane, then exits; the next Submit starts it again, so an
// idle channel costs no goroutine.
func (l *Lanes) run(key string, ln *lane) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		if len(ln.queue) == 0 {
			ln.busy = false
			delete(l.lanes, key)
			l.mu.Unlock()
			return
		}
		job := ln.queue[0]
		l.mu.Unlock()

		job.Done(l.attempt(job))

		l.mu.Lock()
		ln.queue = ln.queue[1:]
		l.mu.Unlock()
	}
}

// attempt retries job per the policy.
func (l *Lanes) attempt(job Job) error {
	for try := 0; ; try++ {
		err := job.Do(l.ctx)
		if err == nil {
			return nil
		}
		wait, retry := l.policy.next(err, try)
		if !retry || l.ctx.Err() != nil {
			return err
		}
		if !job.Deadline.IsZero() && time.Now().Add(wait).After(job.Deadline) {
			return err
		}
		l.log.Debug("delivery retry", "attempt", try+1, "wait", wait, "reason", Reason(err))
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-l.ctx.Done():
			t.Stop()
			return l.ctx.Err()
		}
	}
}

// Close stops every lane after its current attempt and waits for them.
// Jobs still queued get Done(context.Canceled).
func (l *Lanes) Close() {
	l.mu.Lock()
	l.cancel()
	l.mu.Unlock()
	l.wg.Wait()
}
