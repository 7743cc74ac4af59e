// Package pgtest gives a test a PostgreSQL schema of its own on the
// machine's server, so that parallel runs (other packages, other
// worktrees, CI) never see each other's rows, and drops it afterwards.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the machine's server: trust authentication on loopback,
// database test. PARLEY_TEST_POSTGRES_URL overrides it.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ServerURL returns the server's URL, or skips t when none answers.
func ServerURL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("PARLEY_TEST_POSTGRES_URL")
	if raw == "" {
		raw = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Skipf("PostgreSQL not reachable (set PARLEY_TEST_POSTGRES_URL, or start it as .ci/run does): %v", err)
	}
	conn.Close(ctx)
	return raw
}

// Schema creates a schema with a fresh random name, drops it (with
// everything in it) when t ends, and returns its name and a URL whose
// search_path puts new tables there.
func Schema(t testing.TB) (name, schemaURL string) {
	t.Helper()
	raw := ServerURL(t)
	b := make([]byte, 8)
	rand.Read(b)
	name = "parley_test_" + hex.EncodeToString(b)
	Exec(t, raw, `CREATE SCHEMA `+name)
	t.Cleanup(func() { Exec(t, raw, `DROP SCHEMA `+name+` CASCADE`) })
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("PARLEY_TEST_POSTGRES_URL must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return name, u.String()
}

// Exec runs one statement on its own connection to the server at raw.
func Exec(t testing.TB, raw, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
