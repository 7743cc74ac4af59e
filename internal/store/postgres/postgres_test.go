package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"parley/internal/secret"
	"parley/internal/store"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/storetest"
)

// open returns a store on a fresh schema of the test server.
func open(t *testing.T) store.Store {
	t.Helper()
	_, u := pgtest.Schema(t)
	s, err := Open(t.Context(), Options{URL: secret.New(u)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// TestNodes: several nodes (each its own pool) on one schema.
func TestNodes(t *testing.T) {
	storetest.RunNodes(t, func(t *testing.T) func(t *testing.T) (store.Store, error) {
		_, u := pgtest.Schema(t)
		return func(t *testing.T) (store.Store, error) {
			s, err := Open(t.Context(), Options{URL: secret.New(u)})
			if err == nil {
				t.Cleanup(func() { s.Close() })
			}
			return s, err
		}
	})
}

// TestSchemaHoldsNoContent: sealed values are BYTEA, and every text column
// of the schema is on storetest's list of content-free ones.
func TestSchemaHoldsNoContent(t *testing.T) {
	s := open(t).(*Store)
	rows, _ := s.pool.Query(t.Context(), `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`)
	type column struct{ table, name, typ string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.table, &c.name, &c.typ)
		return c, err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, c := range cols {
		name := c.table + "." + c.name
		seen[name] = c.typ
		if c.typ == "text" && !storetest.TextColumns[name] {
			t.Errorf("unexpected text column %s: content must be sealed into BYTEA", name)
		}
		if c.typ == "character varying" || c.typ == "character" || c.typ == "json" || c.typ == "jsonb" || c.typ == "xml" {
			t.Errorf("column %s is %s: only the listed text columns may hold text", name, c.typ)
		}
	}
	for _, name := range storetest.SealedColumns {
		if seen[name] != "bytea" {
			t.Errorf("sealed column %s is %q, want bytea", name, seen[name])
		}
	}
}

// BenchmarkStore: the delivery path's statements on PostgreSQL (see
// storetest.Bench).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		_, u := pgtest.Schema(b)
		s, err := Open(b.Context(), Options{URL: secret.New(u)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}
