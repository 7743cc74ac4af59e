package storetest

import (
	"bytes"
	"testing"
	"time"

	"parley/internal/store"
)

func testDeadLetters(t *testing.T, s store.Store) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	first := store.DeadLetter{Tenant: tenantA, ID: "ev1", Sealed: []byte{1, 2}, Reason: "panic in delivery to slack", Time: now.Add(-time.Minute), Expires: now.Add(time.Hour)}
	must(t, s.PutDeadLetter(ctx(t), first))
	// Parked once: a second put of the same event is refused and changes
	// nothing.
	again := first
	again.Sealed, again.Reason = []byte{9}, "other"
	wantErr(t, s.PutDeadLetter(ctx(t), again), store.ErrExists)
	must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: tenantA, ID: "ev2", Sealed: []byte{3}, Reason: "panic in routing", Time: now, Expires: now.Add(-time.Second)}))
	must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: tenantA, ID: "ev3", Sealed: []byte{4}, Reason: "panic in routing", Time: now}))

	ds, err := s.DeadLetters(ctx(t), tenantA)
	must(t, err)
	// ev2 has expired: invisible even before it is purged.
	if len(ds) != 2 || ds[0].ID != "ev1" || ds[1].ID != "ev3" {
		t.Fatalf("DeadLetters = %+v, want ev1 then ev3", ds)
	}
	got := ds[0]
	if got.Tenant != tenantA || !bytes.Equal(got.Sealed, first.Sealed) || got.Reason != first.Reason || !got.Time.Equal(first.Time) || !got.Expires.Equal(first.Expires) {
		t.Fatalf("DeadLetters[0] = %+v, want %+v", got, first)
	}
	if !ds[1].Expires.IsZero() {
		t.Fatalf("a dead letter without expiry came back with %v", ds[1].Expires)
	}

	n, err := s.DeleteExpired(ctx(t), now)
	must(t, err)
	if n != 1 {
		t.Fatalf("DeleteExpired = %d, want 1 (ev2)", n)
	}
	// Expired and purged: it can be parked afresh.
	must(t, s.PutDeadLetter(ctx(t), store.DeadLetter{Tenant: tenantA, ID: "ev2", Sealed: []byte{5}, Time: now, Expires: now.Add(time.Hour)}))

	must(t, s.DeleteDeadLetter(ctx(t), tenantA, "ev1"))
	wantErr(t, s.DeleteDeadLetter(ctx(t), tenantA, "ev1"), store.ErrNotFound)
	ds, err = s.DeadLetters(ctx(t), tenantA)
	must(t, err)
	if len(ds) != 2 || ds[0].ID != "ev3" && ds[0].ID != "ev2" {
		t.Fatalf("after delete: %+v", ds)
	}
}
