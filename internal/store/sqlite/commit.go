package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Group commit. Every write of the relay path must be durable before its
// caller goes on (a replay-guard mark before the platform gets its 200, a
// delivery intent before the send, a message-map copy before the bus
// message is acknowledged), and SQLite makes a write durable by
// committing it: a write-ahead-log append and, at synchronous=FULL or at
// checkpoints, a sync. Committing each write alone also makes every writer
// queue for the one write lock, sleeping in the busy handler.
//
// So the relay path's writes go to one goroutine, the committer, which
// takes whatever writes are waiting, runs them all in one transaction,
// commits once and only then answers each caller with its own result.
// Under load a commit carries many writes; alone, a write waits for
// nothing. Durability per caller is exactly what it was: nobody hears
// "done" before the commit that holds their write has returned.
//
// A write that fails inside a batch would leave the transaction in doubt
// (SQLite rolls back the whole transaction on some errors and only the
// statement on others), so on any failure the batch is rolled back and its
// writes are run again one transaction each: the failure reaches only its
// own caller.

// maxBatch bounds one transaction, so that a burst does not hold the
// write lock (and every other process's writers) for long.
const maxBatch = 256

// write is one caller's write: run executes it in the batch's transaction
// and keeps its result; the committer answers on done after the commit.
type write struct {
	ctx  context.Context
	run  func(*sql.Tx) error
	done chan error
}

// committer owns the goroutine that commits the relay path's writes.
type committer struct {
	db *sql.DB

	mu     sync.RWMutex // held for reading while sending on queue; Close takes it to close queue
	closed bool
	queue  chan *write
	exited chan struct{}
}

func newCommitter(db *sql.DB) *committer {
	c := &committer{db: db, queue: make(chan *write, maxBatch), exited: make(chan struct{})}
	go c.loop()
	return c
}

// errClosed: a write after Close.
var errClosed = errors.New("store closed")

// do runs fn in the next group commit and returns its error, or the
// commit's. It always waits for the outcome once the write is queued, even
// when ctx ends meanwhile: a caller must never take "cancelled" for "not
// written" when the write did commit (a replay-guard mark answered as a
// failure would make the platform's retry look like a replay). A write
// still queued when ctx ends is skipped and answered with ctx's error.
func (c *committer) do(ctx context.Context, fn func(*sql.Tx) error) error {
	w := &write{ctx: ctx, run: fn, done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errClosed
	}
	select {
	case c.queue <- w:
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	c.mu.RUnlock()
	return <-w.done
}

// close commits what is queued and stops the goroutine.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.exited
}

func (c *committer) loop() {
	defer close(c.exited)
	batch := make([]*write, 0, maxBatch)
	for w := range c.queue {
		batch = append(batch[:0], w)
	gather:
		for len(batch) < maxBatch {
			select {
			case w, ok := <-c.queue:
				if !ok {
					break gather
				}
				batch = append(batch, w)
			default:
				break gather
			}
		}
		c.commit(batch)
		clear(batch)
	}
}

// commit runs batch in one transaction and answers every write.
func (c *committer) commit(batch []*write) {
	live := batch[:0:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.done <- err // not started: the caller gave up
			continue
		}
		live = append(live, w)
	}
	if len(live) == 0 {
		return
	}
	if len(live) > 1 {
		if err := c.inTx(live); err == nil {
			for _, w := range live {
				w.done <- nil
			}
			return
		}
		// In doubt: one transaction each, below.
	}
	for _, w := range live {
		w.done <- c.inTx([]*write{w})
	}
}

// inTx runs ws in one transaction and commits it. The transaction does
// not take the callers' contexts: once started, a batch is finished, so
// that what the answer says is what the file holds.
func (c *committer) inTx(ws []*write) error {
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if err := w.run(tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// write runs fn, a write of the relay path, in the next group commit.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.commit.do(ctx, fn)
}
