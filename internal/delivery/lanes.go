package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Job is one delivery to one destination.
type Job struct {
	// Do performs the delivery. Its error decides what happens next (see
	// Classify).
	Do func(ctx context.Context) error
	// Done is called exactly once with nil or the final error, and how
	// many attempts were made.
	Done func(err error, attempts int)
	// Deadline: after it, retrying stops with the last error.
	Deadline time.Time
	// Breaker names the destination workspace whose circuit breaker
	// guards this job; empty for none.
	Breaker string
}

// Lanes owns the lane goroutines.
type Lanes struct {
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger
	policy Policy
	// Breakers is shared by all lanes: a breaker guards a workspace, and
	// a workspace has many channels.
	Breakers *Breakers

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
	return &Lanes{ctx: ctx, cancel: cancel, log: log, policy: policy.withDefaults(), lanes: map[string]*lane{}, Breakers: &Breakers{}}
}

// Submit appends job to the lane named key, starting the lane if idle. It
// never blocks. After Close, the job's Done gets context.Canceled.
func (l *Lanes) Submit(key string, job Job) {
	l.mu.Lock()
	if l.ctx.Err() != nil {
		l.mu.Unlock()
		job.Done(context.Canceled, 0)
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

// Depths returns the depth of every busy lane.
func (l *Lanes) Depths() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.lanes))
	for k, ln := range l.lanes {
		out[k] = len(ln.queue)
	}
	return out
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

		attempts, err := l.attempt(job)
		l.done(job, err, attempts)

		l.mu.Lock()
		ln.queue = ln.queue[1:]
		l.mu.Unlock()
	}
}

// attempt retries job per the policy and returns the number of attempts
// made and the final error.
func (l *Lanes) attempt(job Job) (attempts int, err error) {
	for try := 0; ; try++ {
		if job.Breaker != "" {
			if wait := l.Breakers.Wait(job.Breaker); wait > 0 {
				if err := l.sleep(wait, job.Deadline); err != nil {
					return try, fmt.Errorf("destination paused after repeated failures: %w", err)
				}
			}
		}
		err = l.do(job)
		if job.Breaker != "" {
			l.Breakers.Report(job.Breaker, err)
		}
		if err == nil {
			return try + 1, nil
		}
		wait, retry := l.policy.next(err, try)
		if !retry || l.ctx.Err() != nil {
			return try + 1, err
		}
		l.log.Debug("delivery retry", "attempt", try+1, "wait", wait, "reason", Reason(err))
		if serr := l.sleep(wait, job.Deadline); serr != nil {
			if errors.Is(serr, errDeadline) {
				return try + 1, err
			}
			return try + 1, serr
		}
	}
}

// do makes one attempt. A panic in it (routing, rendering, a connector's
// send) ends this delivery with ErrPanicked instead of the process: one
// poisoned event must not stop every lane.
func (l *Lanes) do(job Job) (err error) {
	defer Recover(l.log, "delivery attempt", &err)
	return job.Do(l.ctx)
}

// done reports the outcome. A panic in the callback is logged and the lane
// goes on with its next job.
func (l *Lanes) done(job Job, err error, attempts int) {
	defer func() {
		if v := recover(); v != nil {
			LogPanic(l.log, "delivery outcome", v)
		}
	}()
	job.Done(err, attempts)
}

var errDeadline = errors.New("delivery time-to-live expired")

// sleep waits d unless that passes the deadline or the lanes close.
func (l *Lanes) sleep(d time.Duration, deadline time.Time) error {
	if !deadline.IsZero() && time.Now().Add(d).After(deadline) {
		return errDeadline
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-l.ctx.Done():
		return l.ctx.Err()
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
