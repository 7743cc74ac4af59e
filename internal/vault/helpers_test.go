package vault

import (
	"path/filepath"
	"testing"

	"parley/internal/store/sqlite"
)

// env is one "process": a vault over its own store handle and KEK, both
// opened from files that other envs may share.
type env struct {
	v       *Vault
	st      *sqlite.Store
	kekPath string
	dbPath  string
}

// newEnv opens a fresh data directory.
func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	return openEnv(t, filepath.Join(dir, "kek.json"), filepath.Join(dir, "parley.db"))
}

// openEnv opens the key file and database at the given paths, as another
// process would.
func openEnv(t testing.TB, kekPath, dbPath string) *env {
	t.Helper()
	kek, err := OpenKEK(t.Context(), "file://"+filepath.ToSlash(kekPath))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &env{v: New(kek, st), st: st, kekPath: kekPath, dbPath: dbPath}
}

func (e *env) seal(t testing.TB, tenant string, plain, aad string) []byte {
	t.Helper()
	b, err := e.v.Seal(t.Context(), coreTenant(tenant), []byte(plain), []byte(aad))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
