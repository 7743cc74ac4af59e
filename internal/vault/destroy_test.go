package vault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/internal/forensic"
)

// TestShredLeavesNothingToOpen takes the view of someone who copies the
// whole data directory after a shred — database, -wal, -shm and the key
// file beside them: no fragment of the shredded tenant's wrapped keys is in
// any file, and no key to be found there (the key file's versions, any
// 32 bytes of any file, anything they unwrap from any file) opens what was
// sealed for it. The other tenant's value still opens from the same copy,
// which shows the search would have found a way in if there were one.
func TestShredLeavesNothingToOpen(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Dir(e.dbPath)
	aad := []byte("record-1")
	sealedA := e.seal(t, "a", "alpha", string(aad))
	sealedB := e.seal(t, "b", "beta", string(aad))
	if _, err := e.v.Index(t.Context(), "a", "x"); err != nil {
		t.Fatal(err)
	}
	wrapped, err := e.st.Keys(t.Context(), "a")
	if err != nil || len(wrapped) != 2 {
		t.Fatalf("keys of a: %v, %v", wrapped, err)
	}
	var secrets [][]byte
	for _, k := range wrapped {
		plain, err := e.v.kek.Unwrap(t.Context(), k.KEKID, k.Wrapped)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, k.Wrapped, plain)
	}

	if err := e.v.Shred(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	files, err := forensic.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if hits := forensic.Find(files, secrets...); len(hits) > 0 {
		t.Fatalf("the shredded keys are still on disk: %d fragments, first %v", len(hits), hits[0])
	}
	keys := forensic.Keys(files)
	if forensic.Opens(keys, "a", sealedA, aad) {
		t.Fatal("a key on disk still opens what was sealed for the shredded tenant")
	}
	if !forensic.Opens(keys, "b", sealedB, aad) {
		t.Fatal("positive control: the keys on disk do not open the other tenant's value, so the search proves nothing")
	}
}

// TestRetireKEK: an old key-encryption-key version can be retired once
// nothing is wrapped by it, and then no file of the data directory holds
// it — not the key file, not a temp file, not another link to the old
// key file — while everything sealed still opens.
func TestRetireKEK(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Dir(e.kekPath)
	sealed := e.seal(t, "a", "alpha", "")
	old := e.v.kek.ID()
	oldKey := e.v.kek.(*fileKEK).kf.Keys[old]
	// A stale copy an operator might leave: another name for the same
	// file. Retiring must not leave the key readable through it.
	if err := os.Link(e.kekPath, filepath.Join(dir, "kek.json.bak")); err != nil {
		t.Fatal(err)
	}

	if err := RetireKEKFile(t.Context(), e.kekPath, old, e.st); err == nil || !strings.Contains(err.Error(), "primary") {
		t.Fatalf("retiring the primary: %v", err)
	}
	if err := RotateKEKFile(e.kekPath); err != nil {
		t.Fatal(err)
	}
	// Rotated but not yet re-wrapped: the tenant's keys still need it.
	if err := RetireKEKFile(t.Context(), e.kekPath, old, e.st); !errors.Is(err, ErrKEKInUse) {
		t.Fatalf("retiring a version in use: %v, want ErrKEKInUse", err)
	}
	if err := RetireKEKFile(t.Context(), e.kekPath, "file-99", e.st); !errors.Is(err, ErrUnknownKEK) {
		t.Fatalf("retiring an unknown version: %v", err)
	}
	r := openEnv(t, e.kekPath, e.dbPath)
	if _, err := r.v.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	vs, err := KEKFileVersions(t.Context(), e.kekPath, e.st)
	if err != nil || len(vs) != 2 || vs[0].ID != old || vs[0].Wraps != 0 || vs[0].Primary || !vs[1].Primary || vs[1].Wraps != 1 {
		t.Fatalf("versions after rotation: %+v, %v", vs, err)
	}
	if err := RetireKEKFile(t.Context(), e.kekPath, old, e.st); err != nil {
		t.Fatal(err)
	}

	files, err := forensic.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	b64 := []byte(base64.StdEncoding.EncodeToString(oldKey))
	if hits := forensic.Find(files, oldKey, b64); len(hits) > 0 {
		t.Fatalf("the retired version is still on disk: %d fragments, first %v", len(hits), hits[0])
	}
	for _, f := range files {
		if base := filepath.Base(f.Path); strings.Contains(base, ".tmp") || strings.HasSuffix(base, ".lock") {
			t.Errorf("left behind: %s", base)
		}
	}
	for _, k := range forensic.Keys(files) {
		if bytes.Equal(k, oldKey) {
			t.Fatal("the retired version is among the keys on disk")
		}
	}
	// Everything still opens, in a fresh process and in the old one.
	fresh := openEnv(t, e.kekPath, e.dbPath)
	for _, v := range []*Vault{fresh.v, e.v} {
		if got, err := v.Open(t.Context(), "a", sealed, nil); err != nil || string(got) != "alpha" {
			t.Fatalf("after retirement: %q, %v", got, err)
		}
	}
	// A new tenant's key is wrapped by the current version, even by the
	// process that started before the rotation.
	e.seal(t, "later", "x", "")
	ks, err := e.st.Keys(t.Context(), "later")
	if err != nil || len(ks) != 1 || ks[0].KEKID == old {
		t.Fatalf("new key after retirement: %+v, %v", ks, err)
	}
	// Names are never reused.
	if err := RotateKEKFile(e.kekPath); err != nil {
		t.Fatal(err)
	}
	if vs, _ := KEKFileVersions(t.Context(), e.kekPath, e.st); vs[len(vs)-1].ID == old || len(vs) != 2 {
		t.Fatalf("versions after another rotation: %+v", vs)
	}
}
