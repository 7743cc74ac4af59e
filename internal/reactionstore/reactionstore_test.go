package reactionstore

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"parley/internal/core"
	"parley/internal/store/sqlite"
	"parley/internal/vault"
)

// open is one gateway process over a data directory: its store and vault.
func open(t *testing.T, dir string) (*Store, *sqlite.Store) {
	t.Helper()
	kek, err := vault.OpenKEK(t.Context(), "file://"+filepath.ToSlash(filepath.Join(dir, "kek.json")))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(core.Teams, st, vault.New(kek, st)), st
}

// TestSurvivesRestart: what one process saved, the next reads back; the
// database holds neither the IDs nor the state in the clear; another
// tenant sees nothing.
func TestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	state := []byte(`{"order":["thumbsup"],"counts":{"thumbsup":2},"reply":"1796233667520"}`)
	{
		s, _ := open(t, dir)
		if _, ok, err := s.LoadReactions(ctx, "acme", "19:chan@thread.tacv2", "1700"); ok || err != nil {
			t.Fatalf("nothing saved yet: %v %v", ok, err)
		}
		if err := s.SaveReactions(ctx, "acme", "19:chan@thread.tacv2", "1700", state); err != nil {
			t.Fatal(err)
		}
	}
	s, st := open(t, dir)
	got, ok, err := s.LoadReactions(ctx, "acme", "19:chan@thread.tacv2", "1700")
	if err != nil || !ok || !bytes.Equal(got, state) {
		t.Fatalf("after restart = %s, %v, %v", got, ok, err)
	}
	if _, ok, err := s.LoadReactions(ctx, "globex", "19:chan@thread.tacv2", "1700"); ok || err != nil {
		t.Fatalf("another tenant read it: %v %v", ok, err)
	}
	if _, ok, _ := s.LoadReactions(ctx, "acme", "19:chan@thread.tacv2", "1701"); ok {
		t.Fatal("another message read it")
	}
	st.Close()
	raw, err := readAll(filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"thumbsup", "19:chan@thread.tacv2", "1796233667520"} {
		if bytes.Contains(raw, []byte(plain)) {
			t.Fatalf("the database holds %q in the clear", plain)
		}
	}
}

func readAll(path string) ([]byte, error) {
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		all = append(all, b...)
	}
	return all, nil
}
