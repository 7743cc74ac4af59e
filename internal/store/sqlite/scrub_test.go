package sqlite

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/forensic"
	"parley/internal/store"
)

// TestDeletedRowsLeaveNoBytes: after shredding a tenant's keys, purging
// traffic-log entries and purging expired message-map rows and dead
// letters, no run of 12 bytes of any of them is left in any file of the
// data directory (database, -wal, -shm), while the rows kept are still
// found there (the scan's positive control). Without secure delete and
// the log truncated, the deleted bytes stay in free space and in the
// write-ahead log.
func TestDeletedRowsLeaveNoBytes(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	now := time.Now()
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	token := func() string { return base64.RawURLEncoding.EncodeToString(random(24)) }

	var gone, kept [][]byte
	for _, tenant := range []core.TenantID{"doomed", "kept"} {
		doomed := tenant == "doomed"
		keep := func(b []byte) []byte {
			if doomed {
				gone = append(gone, b)
			} else {
				kept = append(kept, b)
			}
			return b
		}
		for _, purpose := range []string{store.PurposeData, store.PurposeIndex} {
			if err := s.CreateKey(ctx, store.WrappedKey{Tenant: tenant, Purpose: purpose, KEKID: "file-1", Wrapped: keep(random(60)), Created: now}); err != nil {
				t.Fatal(err)
			}
		}
		expires := now.Add(time.Hour)
		if doomed {
			expires = now.Add(-time.Second)
		}
		// Many copies, some large enough to need overflow pages, so
		// deletes free whole pages as well as cells.
		for i := range 40 {
			size := 100
			if i%8 == 0 {
				size = 6000
			}
			c := store.Copy{Tenant: tenant, Key: string(keep([]byte(token()))), Group: string(keep([]byte(token()))), Sealed: keep(random(size)), Expires: expires}
			if err := s.PutCopy(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutDeadLetter(ctx, store.DeadLetter{Tenant: tenant, ID: string(keep([]byte(token()))), Sealed: keep(random(300)), Reason: "panic", Time: now, Expires: expires}); err != nil {
			t.Fatal(err)
		}
		at := now
		if doomed {
			at = now.Add(-100 * time.Hour)
		}
		for range 20 {
			e := store.TrafficEntry{Tenant: tenant, Time: at, Kind: core.Posted, SrcPlatform: core.Slack, Src: string(keep([]byte(token()))),
				DstPlatform: core.Webex, Dst: string(keep([]byte(token()))), Outcome: "delivered", Attempts: 1}
			if err := s.AddTraffic(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}

	if err := s.DeleteKeys(ctx, "doomed"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteExpired(ctx, now); err != nil || n != 41 {
		t.Fatalf("DeleteExpired = %d, %v; want 41", n, err)
	}
	if n, err := s.PurgeTraffic(ctx, now.Add(-72*time.Hour)); err != nil || n != 20 {
		t.Fatalf("PurgeTraffic = %d, %v; want 20", n, err)
	}

	check := func(when string) {
		t.Helper()
		files, err := forensic.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		if hits := forensic.Find(files, gone...); len(hits) > 0 {
			t.Fatalf("%s: deleted bytes still on disk: %d fragments, first at %v", when, len(hits), hits[0])
		}
		if missing := forensic.Missing(files, kept...); len(missing) > 0 {
			t.Fatalf("%s: %d kept rows' bytes are nowhere on disk: the scan sees nothing", when, len(missing))
		}
	}
	check("while open")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check("after close")
}

// TestUpgradeVacuums: a database written before secure delete holds the
// bytes of rows deleted back then; opening it with this version rewrites
// it, so they are gone too.
func TestUpgradeVacuums(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "parley.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	// Play an old database: secure delete off, the later migrations not
	// yet applied, a row deleted.
	if _, err := s.db.Exec(`PRAGMA secure_delete(0)`); err != nil {
		t.Fatal(err)
	}
	s.db.SetMaxOpenConns(1) // so the pragma above holds for what follows
	secret := make([]byte, 60)
	rand.Read(secret)
	for _, q := range []string{`DROP TABLE dead_letters`, `DROP INDEX workspaces_owner`,
		`DROP TABLE roles`, `DROP TABLE access_tokens`, `DROP TABLE audit_log`, `DROP TABLE policies`, `DROP TABLE alerts`, `DROP TABLE quarantines`, `ALTER TABLE links DROP COLUMN origin`, `ALTER TABLE workspaces DROP COLUMN origin`,
		fmt.Sprintf(`DELETE FROM goose_db_version WHERE version_id >= %d`, vacuumMarker)} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.Exec(`INSERT INTO tenant_keys (tenant, purpose, kek_id, wrapped, created) VALUES ('t', 'data', 'k', ?, 0)`, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM tenant_keys`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	files, err := forensic.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(forensic.Find(files, secret)) == 0 {
		t.Fatal("setup: the old database did not keep the deleted bytes, so this test proves nothing")
	}

	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if files, err = forensic.Read(dir); err != nil {
		t.Fatal(err)
	}
	if hits := forensic.Find(files, secret); len(hits) > 0 {
		t.Fatalf("bytes deleted before the upgrade survive it: %v", hits[:1])
	}
}
