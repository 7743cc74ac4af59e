package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"parley/internal/store"
)

func errorsIsExists(err error) bool { return errors.Is(err, store.ErrExists) }

func testCopies(t *testing.T, s store.Store) {
	later := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	c1 := store.Copy{Tenant: tenantA, Group: "g", Key: "k1", Sealed: []byte{1}, Expires: later}
	must(t, s.PutCopy(ctx(t), c1))
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "g", Key: "k2", Sealed: []byte{2}})) // never expires
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "h", Key: "k3", Sealed: []byte{3}, Expires: later}))

	// Several in one call: all or none.
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "m", Key: "m1", Sealed: []byte{1}}, store.Copy{Tenant: tenantA, Group: "m", Key: "m2", Sealed: []byte{2}}))
	if m, err := s.GroupCopies(ctx(t), tenantA, "m"); err != nil || len(m) != 2 {
		t.Fatalf("GroupCopies after putting two at once = %+v, %v", m, err)
	}
	if err := s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "n", Key: "n1", Sealed: []byte{1}}, store.Copy{Tenant: tenantA, Group: "n"}); err == nil {
		t.Fatal("PutCopy with an empty key succeeded")
	}
	if _, err := s.FindCopy(ctx(t), tenantA, "n1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a copy put beside a refused one was stored: %v", err)
	}

	got, err := s.FindCopy(ctx(t), tenantA, "k1")
	must(t, err)
	if got.Tenant != tenantA || got.Group != "g" || got.Key != "k1" || !bytes.Equal(got.Sealed, []byte{1}) || !got.Expires.Equal(later) {
		t.Fatalf("FindCopy = %+v", got)
	}
	_, err = s.FindCopy(ctx(t), tenantA, "nope")
	wantErr(t, err, store.ErrNotFound)

	// Upsert by (tenant, key) can move a copy to another group.
	c1.Group, c1.Sealed = "h", []byte{7}
	must(t, s.PutCopy(ctx(t), c1))
	g, err := s.GroupCopies(ctx(t), tenantA, "g")
	must(t, err)
	if len(g) != 1 || g[0].Key != "k2" || !g[0].Expires.IsZero() {
		t.Fatalf("GroupCopies(g) = %+v", g)
	}
	h, err := s.GroupCopies(ctx(t), tenantA, "h")
	must(t, err)
	if len(h) != 2 || h[0].Key != "k1" || !bytes.Equal(h[0].Sealed, []byte{7}) || h[1].Key != "k3" {
		t.Fatalf("GroupCopies(h) = %+v", h)
	}
}

func testExpiry(t *testing.T, s store.Store) {
	now := time.Now()
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "g", Key: "old", Sealed: []byte{1}, Expires: now.Add(-time.Second)}))
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "g", Key: "new", Sealed: []byte{2}, Expires: now.Add(time.Hour)}))
	must(t, s.PutCopy(ctx(t), store.Copy{Tenant: tenantA, Group: "g", Key: "forever", Sealed: []byte{3}}))

	// Expired but not yet purged: invisible all the same.
	_, err := s.FindCopy(ctx(t), tenantA, "old")
	wantErr(t, err, store.ErrNotFound)
	g, err := s.GroupCopies(ctx(t), tenantA, "g")
	must(t, err)
	if len(g) != 2 {
		t.Fatalf("GroupCopies shows expired copies: %+v", g)
	}

	first, err := s.FirstSeen(ctx(t), "mark-old", now.Add(-time.Second))
	must(t, err)
	if !first {
		t.Fatal("FirstSeen of a new mark = false")
	}
	first, err = s.FirstSeen(ctx(t), "mark-new", now.Add(time.Hour))
	must(t, err)
	if !first {
		t.Fatal("FirstSeen of a new mark = false")
	}

	n, err := s.DeleteExpired(ctx(t), now)
	must(t, err)
	if n != 2 {
		t.Fatalf("DeleteExpired = %d, want 2 (one copy, one mark)", n)
	}
	n, err = s.DeleteExpired(ctx(t), now)
	must(t, err)
	if n != 0 {
		t.Fatalf("second DeleteExpired = %d, want 0", n)
	}
	for _, k := range []string{"new", "forever"} {
		if _, err := s.FindCopy(ctx(t), tenantA, k); err != nil {
			t.Fatalf("FindCopy(%s) after purge: %v", k, err)
		}
	}
	// Purging far in the future takes everything with an expiry.
	n, err = s.DeleteExpired(ctx(t), now.Add(2*time.Hour))
	must(t, err)
	if n != 2 {
		t.Fatalf("late DeleteExpired = %d, want 2", n)
	}
	if _, err := s.FindCopy(ctx(t), tenantA, "forever"); err != nil {
		t.Fatalf("copy without expiry was purged: %v", err)
	}
}
