package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley/internal/store"
)

func testCursors(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Cursor(ctx, "a", "ch"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing cursor: %v", err)
	}
	at := time.Unix(1_800_000_000, 0)
	for i, sealed := range [][]byte{{1}, {2}} {
		if err := s.PutCursor(ctx, store.Cursor{Tenant: "a", Key: "ch", Sealed: sealed, Updated: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Cursor(ctx, "a", "ch")
	if err != nil || len(c.Sealed) != 1 || c.Sealed[0] != 2 || !c.Updated.Equal(at.Add(time.Second)) {
		t.Fatalf("Cursor = %+v, %v", c, err)
	}
	if _, err := s.Cursor(ctx, "b", "ch"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("tenant b read tenant a's cursor: %v", err)
	}
}
