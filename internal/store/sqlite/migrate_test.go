package sqlite

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"parley/internal/core"
	"parley/internal/store"
)

// appliedVersions lists the migrations goose recorded as applied, without
// its version 0.
func appliedVersions(t *testing.T, s *Store) []int64 {
	t.Helper()
	rows, err := s.db.Query(`SELECT version_id FROM ` + goose.DefaultTablename + ` WHERE version_id > 0 AND is_applied ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// embeddedVersions lists the versions of the migrations in the binary.
func embeddedVersions(t *testing.T) []int64 {
	t.Helper()
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, f := range files {
		v, err := goose.NumericComponent(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestLegacyDatabaseUpgrade opens a data directory written by Parley before
// goose managed its schema (testdata/legacy-0003.db: made by that code,
// migrations 0001–0003 recorded in schema_migrations, one row of every
// kind). It must open without reapplying anything, keep every row, record
// its history in goose's table and drop the old one.
func TestLegacyDatabaseUpgrade(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "legacy-0003.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i := range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if got, want := appliedVersions(t, s), embeddedVersions(t); !slices.Equal(got, want) {
			t.Fatalf("open %d: versions recorded %v, want %v", i, got, want)
		}
		var legacy int
		if err := s.db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&legacy); err != nil {
			t.Fatal(err)
		}
		if legacy != 0 {
			t.Fatalf("open %d: schema_migrations is still there", i)
		}

		tn, err := s.Tenant(ctx, "acme")
		if err != nil || tn.Name != "Acme" {
			t.Fatalf("tenant = %+v, %v", tn, err)
		}
		ws, err := s.Workspaces(ctx, "acme")
		if err != nil || len(ws) != 1 || !bytes.Equal(ws[0].Credentials, []byte("sealed-credentials")) || !ws[0].Healthy {
			t.Fatalf("workspaces = %+v, %v", ws, err)
		}
		ls, err := s.Links(ctx, "acme")
		if err != nil || len(ls) != 1 || len(ls[0].Channels) != 2 || ls[0].Channels[1].Platform != core.Webex {
			t.Fatalf("links = %+v, %v", ls, err)
		}
		ks, err := s.Keys(ctx, "acme")
		if err != nil || len(ks) != 1 || !bytes.Equal(ks[0].Wrapped, []byte("wrapped-data-key")) {
			t.Fatalf("keys = %+v, %v", ks, err)
		}
		c, err := s.FindCopy(ctx, "acme", "k1")
		if err != nil || !bytes.Equal(c.Sealed, []byte("sealed-ref")) {
			t.Fatalf("copy = %+v, %v", c, err)
		}
		tr, err := s.Traffic(ctx, "acme", time.Time{}, 10)
		if err != nil || len(tr) != 1 || tr[0].Outcome != "delivered" {
			t.Fatalf("traffic = %+v, %v", tr, err)
		}
		cur, err := s.Cursor(ctx, "acme", "ch1")
		if err != nil || !bytes.Equal(cur.Sealed, []byte("sealed-cursor")) {
			t.Fatalf("cursor = %+v, %v", cur, err)
		}
		if first, err := s.FirstSeen(ctx, "mark-1", time.Time{}); err != nil || first {
			t.Fatalf("the replay mark was lost: FirstSeen = %v, %v", first, err)
		}
		// And it takes new rows.
		if err := s.CreateTenant(ctx, store.Tenant{ID: core.TenantID("new-" + string(rune('a'+i)))}); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

// TestLegacyDatabaseFromTheFuture: a schema_migrations row this binary does
// not know means a newer Parley wrote the file; opening refuses rather than
// guessing.
func TestLegacyDatabaseFromTheFuture(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "legacy-0003.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	// Put the old table back with an unknown row.
	if _, err := s.db.Exec(`DROP TABLE goose_db_version; CREATE TABLE schema_migrations (version TEXT NOT NULL PRIMARY KEY, applied BIGINT NOT NULL);
		INSERT INTO schema_migrations VALUES ('migrations/0001_init.sql', 1), ('migrations/0999_future.sql', 2)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(t.Context(), path); err == nil {
		t.Fatal("opened a database recording a migration this binary does not have")
	}
}

// TestConcurrentFirstOpen: several processes starting at once on a new file
// all open it, and each migration is applied once. Stores here are separate
// connection pools, as separate processes would have.
func TestConcurrentFirstOpen(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "parley.db")
		const n = 6
		var wg sync.WaitGroup
		stores := make([]*Store, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				stores[i], errs[i] = Open(t.Context(), path)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: open %d: %v", round, i, err)
			}
			defer stores[i].Close()
		}
		if got, want := appliedVersions(t, stores[0]), embeddedVersions(t); !slices.Equal(got, want) {
			t.Fatalf("round %d: versions recorded %v, want %v", round, got, want)
		}
	}
}

// TestLegacyDatabaseWithASharedWorkspace: before 0005, two tenants could
// hold one workspace; upgrading such a database stops with an error that
// names the workspace and says what to do, and changes nothing.
func TestLegacyDatabaseWithASharedWorkspace(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "legacy-0003.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO tenants (id, name, created) VALUES ('globex', 'Globex', 0)`,
		`INSERT INTO workspaces (tenant, platform, id, name, healthy, updated) VALUES ('globex', 'slack', 'T0ACME', 'acme too', 1, 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	_, err = Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "slack/T0ACME (tenants acme, globex)") {
		t.Fatalf("err = %v", err)
	}
	// Nothing was migrated: the old table still records 0001–0003 only.
	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var latest int64
	if err := db.QueryRow(`SELECT MAX(version_id) FROM ` + goose.DefaultTablename).Scan(&latest); err != nil || latest != 3 {
		t.Fatalf("version after the refused upgrade = %d, %v; want 3", latest, err)
	}
}
