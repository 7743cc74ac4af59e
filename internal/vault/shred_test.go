package vault

import (
	"errors"
	"testing"
	"time"
)

func TestShred(t *testing.T) {
	e := newEnv(t)
	sealedA := e.seal(t, "a", "alpha", "")
	sealedB := e.seal(t, "b", "beta", "")
	idxBefore, err := e.v.Index(t.Context(), "a", "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.v.Shred(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Open(t.Context(), "a", sealedA, nil); !errors.Is(err, ErrShredded) {
		t.Fatalf("Open after Shred: %v, want ErrShredded", err)
	}
	if got, err := e.v.Open(t.Context(), "b", sealedB, nil); err != nil || string(got) != "beta" {
		t.Fatalf("Shred(a) broke b: %q, %v", got, err)
	}
	// A fresh start for a: new keys, the old data stays unreadable.
	again := e.seal(t, "a", "alpha again", "")
	if _, err := e.v.Open(t.Context(), "a", again, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Open(t.Context(), "a", sealedA, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("old value under a new key: %v, want ErrCorrupt", err)
	}
	idxAfter, err := e.v.Index(t.Context(), "a", "x")
	if err != nil {
		t.Fatal(err)
	}
	if idxAfter == idxBefore {
		t.Fatal("blind index survived the shred")
	}
}

// TestShredOtherProcess: a process that cached the key stops using it once
// its recheck interval has passed.
func TestShredOtherProcess(t *testing.T) {
	a := newEnv(t)
	b := openEnv(t, a.kekPath, a.dbPath)
	sealed := a.seal(t, "t", "v", "")
	if _, err := b.v.Open(t.Context(), "t", sealed, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.v.Shred(t.Context(), "t"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(recheck + time.Second)
	b.v.now = func() time.Time { return now }
	if _, err := b.v.Open(t.Context(), "t", sealed, nil); !errors.Is(err, ErrShredded) {
		t.Fatalf("other process after recheck: %v, want ErrShredded", err)
	}
}
