package vault

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"parley/internal/core"
	"parley/internal/store"
)

func coreTenant(s string) core.TenantID { return core.TenantID(s) }

func TestSealOpen(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name       string
		plain, aad string
	}{
		{"text", "hello, world", "copy:1"},
		{"empty plaintext", "", "x"},
		{"no aad", "secret", ""},
		{"large", strings.Repeat("é", 100_000), "big"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed := e.seal(t, "a", tc.plain, tc.aad)
			if len(tc.plain) > 4 && bytes.Contains(sealed, []byte(tc.plain)) {
				t.Fatal("plaintext visible in sealed bytes")
			}
			if sealed[0] != sealVersion {
				t.Fatalf("version byte %d", sealed[0])
			}
			got, err := e.v.Open(t.Context(), "a", sealed, []byte(tc.aad))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.plain {
				t.Fatal("round trip changed the plaintext")
			}
			again := e.seal(t, "a", tc.plain, tc.aad)
			if bytes.Equal(again, sealed) {
				t.Fatal("two seals of one value are equal: nonce reused")
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	e := newEnv(t)
	sealed := e.seal(t, "a", "hello", "aad")
	e.seal(t, "b", "other", "aad") // b has a key too
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	for _, tc := range []struct {
		name   string
		tenant core.TenantID
		sealed []byte
		aad    string
		want   error
	}{
		{"wrong aad", "a", sealed, "aad2", ErrCorrupt},
		{"missing aad", "a", sealed, "", ErrCorrupt},
		{"other tenant", "b", sealed, "aad", ErrCorrupt},
		{"tenant without key", "c", sealed, "aad", ErrShredded},
		{"version byte", "a", flip(0), "aad", ErrCorrupt},
		{"nonce", "a", flip(1), "aad", ErrCorrupt},
		{"ciphertext", "a", flip(14), "aad", ErrCorrupt},
		{"tag", "a", flip(len(sealed) - 1), "aad", ErrCorrupt},
		{"truncated", "a", sealed[:len(sealed)-1], "aad", ErrCorrupt},
		{"too short", "a", sealed[:10], "aad", ErrCorrupt},
		{"empty", "a", nil, "aad", ErrCorrupt},
		{"extended", "a", append(bytes.Clone(sealed), 0), "aad", ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.v.Open(t.Context(), tc.tenant, tc.sealed, []byte(tc.aad))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEmptyTenantRefused(t *testing.T) {
	e := newEnv(t)
	if _, err := e.v.Seal(t.Context(), "", []byte("x"), nil); err == nil {
		t.Fatal("Seal for the empty tenant worked")
	}
	if _, err := e.v.Index(t.Context(), "", "x"); err == nil {
		t.Fatal("Index for the empty tenant worked")
	}
	if err := e.v.Shred(t.Context(), ""); err == nil {
		t.Fatal("Shred of the empty tenant worked")
	}
}

// TestSecondProcess opens the same key file and database twice, as two
// gateway processes would.
func TestSecondProcess(t *testing.T) {
	a := newEnv(t)
	sealed := a.seal(t, "t", "from a", "x")
	ia, err := a.v.Index(t.Context(), "t", "slack", "C1", "123.456")
	if err != nil {
		t.Fatal(err)
	}
	b := openEnv(t, a.kekPath, a.dbPath)
	got, err := b.v.Open(t.Context(), "t", sealed, []byte("x"))
	if err != nil || string(got) != "from a" {
		t.Fatalf("second process Open = %q, %v", got, err)
	}
	ib, err := b.v.Index(t.Context(), "t", "slack", "C1", "123.456")
	if err != nil || ib != ia {
		t.Fatalf("second process Index = %q, %v; want %q", ib, err, ia)
	}
	if a.v.Pseudonym("U123") != b.v.Pseudonym("U123") {
		t.Fatal("pseudonyms differ across processes")
	}
}

// TestFirstKeyRace has two processes, 10 goroutines each, seal for a new
// tenant at once: every value must open afterwards, so all used one key.
func TestFirstKeyRace(t *testing.T) {
	a := newEnv(t)
	b := openEnv(t, a.kekPath, a.dbPath)
	var mu sync.Mutex
	var sealed [][]byte
	var wg sync.WaitGroup
	for i := range 20 {
		v := a.v
		if i%2 == 1 {
			v = b.v
		}
		wg.Go(func() {
			s, err := v.Seal(t.Context(), "new", []byte("v"), nil)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := v.Index(t.Context(), "new", "x"); err != nil {
				t.Error(err)
			}
			mu.Lock()
			sealed = append(sealed, s)
			mu.Unlock()
		})
	}
	wg.Wait()
	ks, err := a.st.Keys(t.Context(), "new")
	if err != nil {
		t.Fatal(err)
	}
	if len(ks) != 2 {
		t.Fatalf("%d keys stored, want data and index", len(ks))
	}
	fresh := openEnv(t, a.kekPath, a.dbPath)
	for i, s := range sealed {
		if _, err := fresh.v.Open(t.Context(), "new", s, nil); err != nil {
			t.Fatalf("value %d sealed under a lost key: %v", i, err)
		}
	}
	if len(sealed) != 20 {
		t.Fatalf("%d seals", len(sealed))
	}
}

// barrierKEK holds its first n Wrap calls until all n have arrived, forcing
// two processes to create a tenant's first key at the same moment.
type barrierKEK struct {
	KEK
	mu      sync.Mutex
	n       int
	arrived chan struct{}
}

func newBarrierKEK(k KEK, n int) *barrierKEK {
	return &barrierKEK{KEK: k, n: n, arrived: make(chan struct{})}
}

func (b *barrierKEK) Wrap(ctx context.Context, p []byte) (string, []byte, error) {
	b.mu.Lock()
	b.n--
	switch {
	case b.n == 0:
		close(b.arrived)
	case b.n < 0:
		b.mu.Unlock()
		return b.KEK.Wrap(ctx, p)
	}
	b.mu.Unlock()
	select {
	case <-b.arrived:
	case <-ctx.Done():
		return "", nil, ctx.Err()
	}
	return b.KEK.Wrap(ctx, p)
}

// TestFirstKeyCollision: two processes both find no key and both create
// one; the loser must adopt the winner's key, not overwrite it or keep its
// own.
func TestFirstKeyCollision(t *testing.T) {
	a := newEnv(t)
	b := openEnv(t, a.kekPath, a.dbPath)
	barrier := newBarrierKEK(a.v.kek, 2)
	va, vb := New(barrier, a.st), New(barrier, b.st)
	var sa, sb []byte
	var ea, eb error
	var wg sync.WaitGroup
	wg.Go(func() { sa, ea = va.Seal(t.Context(), "t", []byte("from a"), nil) })
	wg.Go(func() { sb, eb = vb.Seal(t.Context(), "t", []byte("from b"), nil) })
	wg.Wait()
	if ea != nil || eb != nil {
		t.Fatal(ea, eb)
	}
	fresh := openEnv(t, a.kekPath, a.dbPath)
	for name, s := range map[string][]byte{"a": sa, "b": sb} {
		if _, err := fresh.v.Open(t.Context(), "t", s, nil); err != nil {
			t.Fatalf("value sealed by %s is under a lost key: %v", name, err)
		}
	}
}

// The tenant's cipher is made once per key, not per call, and goes with
// the key when it is shredded.
func TestCipherKeptWithItsKey(t *testing.T) {
	e := newEnv(t)
	sealed := e.seal(t, "a", "hello", "x")
	s := e.v.slot(slotID{"a", store.PurposeData})
	first := s.aead
	if first == nil {
		t.Fatal("no cipher kept after a seal")
	}
	if _, err := e.v.Open(t.Context(), "a", sealed, []byte("x")); err != nil {
		t.Fatal(err)
	}
	e.seal(t, "a", "again", "x")
	if s.aead != first {
		t.Fatal("the cipher was made again for the same key")
	}
	if err := e.v.Shred(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Open(t.Context(), "a", sealed, []byte("x")); !errors.Is(err, ErrShredded) {
		t.Fatalf("open after shred: %v", err)
	}
	if s := e.v.slot(slotID{"a", store.PurposeData}); s.aead != nil || s.aeadOf != nil {
		t.Fatal("a shredded key's cipher is still held")
	}
}
