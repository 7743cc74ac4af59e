package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// scratch opens a store with a table of its own for the committer to
// write to.
func scratch(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.db.Exec(`CREATE TABLE scratch (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return s
}

// hold starts a write that blocks inside its transaction until release is
// closed, and waits until n more writes are queued behind it.
func hold(t *testing.T, s *Store, release chan struct{}) <-chan error {
	t.Helper()
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(tx *sql.Tx) error {
			close(started)
			<-release
			_, err := tx.Exec(`INSERT INTO scratch (k) VALUES ('first')`)
			return err
		})
	}()
	<-started
	return done
}

func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(s.commit.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", len(s.commit.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func count(t *testing.T, s *Store, k string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM scratch WHERE k = ?`, k).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Writes that wait while a commit is under way go into the next commit
// together, each answered only after it.
func TestWritesWaitingTogetherShareOneCommit(t *testing.T) {
	s := scratch(t)
	release := make(chan struct{})
	first := hold(t, s, release)

	const n = 50
	var mu sync.Mutex
	txs := map[*sql.Tx]int{}
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- s.write(context.Background(), func(tx *sql.Tx) error {
				mu.Lock()
				txs[tx]++
				mu.Unlock()
				_, err := tx.Exec(`INSERT INTO scratch (k) VALUES (?)`, string(rune('a'+i%26))+string(rune('a'+i/26)))
				return err
			})
		}()
	}
	waitQueued(t, s, n)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(txs) != 1 {
		t.Fatalf("%d queued writes went into %d transactions, want 1", n, len(txs))
	}
	var rows int
	if err := s.db.QueryRow(`SELECT count(*) FROM scratch`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != n+1 {
		t.Fatalf("%d rows committed, want %d", rows, n+1)
	}
}

// A write that fails does not take the others of its batch down with it,
// and a write whose caller gave up before it started is not made.
func TestBatchFailureReachesOnlyItsCaller(t *testing.T) {
	s := scratch(t)
	release := make(chan struct{})
	first := hold(t, s, release)

	insert := func(k string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO scratch (k) VALUES (?)`, k)
			return err
		}
	}
	boom := errors.New("boom")
	cancelled, cancel := context.WithCancel(context.Background())
	type result struct {
		name string
		err  error
	}
	results := make(chan result, 4)
	start := func(name string, ctx context.Context, fn func(*sql.Tx) error, queued int) {
		go func() { results <- result{name, s.write(ctx, fn)} }()
		waitQueued(t, s, queued)
	}
	start("a", context.Background(), insert("a"), 1)
	start("fails", context.Background(), func(tx *sql.Tx) error {
		if err := insert("doomed")(tx); err != nil {
			return err
		}
		return boom
	}, 2)
	start("cancelled", cancelled, insert("cancelled"), 3)
	start("b", context.Background(), insert("b"), 4)
	cancel()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	got := map[string]error{}
	for range 4 {
		r := <-results
		got[r.name] = r.err
	}
	if got["a"] != nil || got["b"] != nil {
		t.Fatalf("writes beside a failing one failed: a %v, b %v", got["a"], got["b"])
	}
	if !errors.Is(got["fails"], boom) {
		t.Fatalf("failing write answered %v, want its own error", got["fails"])
	}
	if !errors.Is(got["cancelled"], context.Canceled) {
		t.Fatalf("write cancelled before it started answered %v", got["cancelled"])
	}
	for k, want := range map[string]int{"a": 1, "b": 1, "first": 1, "doomed": 0, "cancelled": 0} {
		if n := count(t, s, k); n != want {
			t.Errorf("row %q: %d, want %d", k, n, want)
		}
	}
}

// Close commits what was queued; a write after it fails cleanly.
func TestCloseCommitsQueuedWrites(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`CREATE TABLE scratch (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	first := hold(t, s, release)
	queued := make(chan error, 1)
	go func() {
		queued <- s.write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO scratch (k) VALUES ('queued')`)
			return err
		})
	}()
	waitQueued(t, s, 1)
	closed := make(chan struct{})
	go func() { s.commit.close(); close(closed) }()
	close(release)
	<-closed
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-queued; err != nil {
		t.Fatalf("write queued before Close: %v", err)
	}
	if err := s.write(context.Background(), func(*sql.Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("write after Close: %v", err)
	}
	if n := count(t, s, "queued"); n != 1 {
		t.Fatalf("queued write not committed by Close")
	}
	s.Close()
}
