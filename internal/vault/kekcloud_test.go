package vault

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"parley/internal/store/sqlite"
)

// TestCloudKEK drives the gocloud.dev path with base64key://, the in-memory
// keeper: two processes sharing a store see each other's keys and agree on
// pseudonyms once they load the deployment pseudonym key.
func TestCloudKEK(t *testing.T) {
	raw := make([]byte, 32)
	rand.Read(raw)
	b64 := base64.URLEncoding.EncodeToString(raw)
	u := "base64key://" + b64
	dbPath := filepath.Join(t.TempDir(), "p.db")

	open := func() *Vault {
		kek, err := OpenKEK(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kek.(io.Closer).Close() })
		if strings.Contains(kek.ID(), b64) || !strings.HasPrefix(kek.ID(), "base64key-") {
			t.Fatalf("KEK ID %q", kek.ID())
		}
		st, err := sqlite.Open(t.Context(), dbPath)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return New(kek, st)
	}
	a, b := open(), open()
	if a.Pseudonym("u") == b.Pseudonym("u") {
		t.Fatal("pseudonyms agree before the key is loaded: they are not keyed per process")
	}
	for _, v := range []*Vault{a, b} {
		if err := v.LoadPseudonymKey(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if a.Pseudonym("u") != b.Pseudonym("u") {
		t.Fatal("pseudonyms differ across processes after LoadPseudonymKey")
	}
	sealed, err := a.Seal(t.Context(), "t", []byte("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Open(t.Context(), "t", sealed, nil)
	if err != nil || string(got) != "hi" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	n, err := a.Rotate(t.Context())
	if err != nil || n != 2 { // t's data key and the pseudonym key
		t.Fatalf("Rotate = %d, %v", n, err)
	}
	if _, err := b.Open(t.Context(), "t", sealed, nil); err != nil {
		t.Fatal(err)
	}

	// Another KMS key cannot unwrap these keys.
	rand.Read(raw)
	other, err := OpenKEK(t.Context(), "base64key://"+base64.URLEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer other.(io.Closer).Close()
	ks, err := a.keys.Keys(t.Context(), "t")
	if err != nil || len(ks) != 1 {
		t.Fatalf("Keys = %v, %v", ks, err)
	}
	if _, err := other.Unwrap(t.Context(), ks[0].KEKID, ks[0].Wrapped); err == nil {
		t.Fatal("another KMS key unwrapped a tenant key")
	}
}
