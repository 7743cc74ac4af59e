package sqlite

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
	"parley/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// TestNodes: several processes' stores (each its own pool) on one file.
func TestNodes(t *testing.T) {
	storetest.RunNodes(t, func(t *testing.T) func(t *testing.T) (store.Store, error) {
		path := filepath.Join(t.TempDir(), "parley.db")
		return func(t *testing.T) (store.Store, error) {
			s, err := Open(t.Context(), path)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { s.Close() })
			return s, nil
		}
	})
}

func TestOpen(t *testing.T) {
	t.Run("file is 0600", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no unix modes")
		}
		path := filepath.Join(t.TempDir(), "p.db")
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.CreateTenant(t.Context(), store.Tenant{ID: "a"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if m := info.Mode().Perm(); m != 0o600 {
				t.Errorf("%s mode %o, want 600", filepath.Base(p), m)
			}
		}
	})
	t.Run("reopen keeps data and migrates once", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "p.db")
		for i := range 2 {
			s, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := appliedVersions(t, s), embeddedVersions(t); !slices.Equal(got, want) {
				t.Fatalf("open %d: versions recorded %v, want %v", i, got, want)
			}
			if i == 0 {
				if err := s.CreateTenant(t.Context(), store.Tenant{ID: "a"}); err != nil {
					t.Fatal(err)
				}
			} else if _, err := s.Tenant(t.Context(), "a"); err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
	})
	t.Run("two stores on one file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "p.db")
		a, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		first, err := a.FirstSeen(t.Context(), "m", time.Now().Add(time.Hour))
		if err != nil || !first {
			t.Fatalf("a.FirstSeen = %v, %v", first, err)
		}
		first, err = b.FirstSeen(t.Context(), "m", time.Now().Add(time.Hour))
		if err != nil || first {
			t.Fatalf("b.FirstSeen = %v, %v; want false", first, err)
		}
	})
	for _, p := range []string{"", ":memory:", "a?mode=ro"} {
		t.Run("rejects "+p, func(t *testing.T) {
			if _, err := Open(t.Context(), p); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// TestSealedFieldsAreBlobs checks that sealed fields are stored as BLOBs and
// that the schema has no text column that could hold content. The vault's
// tests check that real sealing keeps a marker out of the file's bytes.
func TestSealedFieldsAreBlobs(t *testing.T) {
	s := open(t).(*Store)
	ctx := t.Context()
	marker := []byte("MARKER-sealed-bytes")
	if err := s.CreateTenant(ctx, store.Tenant{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutWorkspace(ctx, store.Workspace{Tenant: "a", Platform: core.Slack, ID: "T1", Credentials: marker}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCopy(ctx, store.Copy{Tenant: "a", Group: "g", Key: "k", Sealed: marker}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ table, column string }{
		{"workspaces", "credentials"},
		{"copies", "sealed"},
	} {
		t.Run(tc.table, func(t *testing.T) {
			var typ string
			if err := s.db.QueryRow(`SELECT typeof(` + tc.column + `) FROM ` + tc.table).Scan(&typ); err != nil {
				t.Fatal(err)
			}
			if typ != "blob" {
				t.Fatalf("%s.%s stored as %s, want blob", tc.table, tc.column, typ)
			}
		})
	}
	// The schema has no column meant for content: every TEXT column is an
	// ID, a name, a blind index or a key label.
	rows, err := s.db.Query(`SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if typ == "TEXT" && !storetest.TextColumns[table+"."+col] {
			t.Errorf("unexpected text column %s.%s: content must be sealed into a BLOB", table, col)
		}
		if slices.Contains(storetest.SealedColumns, table+"."+col) && typ != "BLOB" {
			t.Errorf("sealed column %s.%s declared %s, want BLOB", table, col, typ)
		}
	}
}

// BenchmarkStore: the delivery path's statements on SQLite (see
// storetest.Bench).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		s, err := Open(b.Context(), filepath.Join(b.TempDir(), "parley.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}
