package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parley/internal/core"
	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/postgres/pgtest"
)

// TestShreddedKeysLeaveTheTable: once a tenant's keys are deleted (by
// DeleteKeys or DeleteTenant), no run of 12 bytes of any version of them —
// the current wrapping and one replaced by a rotation — is left in the
// files of the keys' table, while the other tenant's keys are still found
// there (the scan's positive control). A CHECKPOINT first writes every
// page to disk. Without the rewrite the dead rows stay in their page.
// Reading the server's files takes a superuser, as the machine's test
// server gives.
func TestShreddedKeysLeaveTheTable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shred func(ctx context.Context, s *Store, tenant core.TenantID) error
	}{
		{"DeleteKeys", func(ctx context.Context, s *Store, tenant core.TenantID) error { return s.DeleteKeys(ctx, tenant) }},
		{"DeleteTenant", func(ctx context.Context, s *Store, tenant core.TenantID) error { return s.DeleteTenant(ctx, tenant) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema, u := pgtest.Schema(t)
			ctx := t.Context()
			s, err := Open(ctx, Options{URL: secret.New(u)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			requireSuperuser(t, s)

			random := func() []byte {
				b := make([]byte, 48)
				rand.Read(b)
				return b
			}
			var gone, kept [][]byte
			for _, tenant := range []core.TenantID{"doomed", "kept"} {
				for _, purpose := range []string{store.PurposeData, store.PurposeIndex} {
					first, second := random(), random()
					if err := s.CreateKey(ctx, store.WrappedKey{Tenant: tenant, Purpose: purpose, KEKID: "kek-1", Wrapped: first, Created: time.Now()}); err != nil {
						t.Fatal(err)
					}
					// A rotation leaves the first wrapping as a dead row.
					if err := s.ReplaceKey(ctx, store.WrappedKey{Tenant: tenant, Purpose: purpose, KEKID: "kek-2", Wrapped: second}, first); err != nil {
						t.Fatal(err)
					}
					if tenant == "doomed" {
						gone = append(gone, first, second)
					} else {
						kept = append(kept, second)
					}
				}
			}
			if err := tc.shred(ctx, s, "doomed"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.pool.Exec(ctx, `CHECKPOINT`); err != nil {
				t.Fatal(err)
			}
			file := relationBytes(t, s, schema+".tenant_keys")
			for i, b := range kept {
				if !bytes.Contains(file, b) {
					t.Fatalf("kept key %d is not in the table's file: the scan reads the wrong bytes", i)
				}
			}
			for i, b := range gone {
				for off := 0; off+12 <= len(b); off++ {
					if bytes.Contains(file, b[off:off+12]) {
						t.Fatalf("shredded wrapping %d: bytes %d–%d are still in the table's file", i, off, off+12)
					}
				}
			}
		})
	}
}

func requireSuperuser(t *testing.T, s *Store) {
	t.Helper()
	var super bool
	if err := s.pool.QueryRow(t.Context(), `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil {
		t.Fatal(err)
	}
	if !super {
		t.Skip("reading the server's files needs a superuser; PARLEY_TEST_POSTGRES_URL names a role that is not")
	}
}

// relationBytes reads the files of a table and of its TOAST table.
func relationBytes(t *testing.T, s *Store, table string) []byte {
	t.Helper()
	rows, _ := s.pool.Query(t.Context(), `SELECT pg_read_binary_file(pg_relation_filepath(c.oid))
		FROM pg_class c WHERE c.oid = $1::regclass
		   OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = $1::regclass)`, table)
	files, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Join(files, nil)
}
