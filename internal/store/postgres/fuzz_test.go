package postgres

import (
	"net/url"
	"strings"
	"testing"

	"parley/internal/secret"
)

// FuzzPoolConfig: store.url comes from outside (a file, the environment).
// Whatever it holds, parsing it does not panic, and an error does not
// quote the password it carries.
func FuzzPoolConfig(f *testing.F) {
	for _, s := range []string{
		"postgres://parley:Secretpw1@db.internal:5432/parley?sslmode=verify-full&sslrootcert=system",
		"postgres://parley:Secretpw1@127.0.0.1/parley?sslmode=disable&pool_max_conns=4",
		"postgresql://parley:Secretpw1@h1,h2:5433/db?target_session_attrs=read-write",
		"host=db.internal user=parley password=Secretpw1 sslmode=verify-full sslrootcert=system",
		"postgres://parley:Secretpw1@[::1]:port/parley",
		"postgres://parley:Secretpw1@db/parley?sslmode=sometimes",
		"",
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, raw string, plaintext bool) {
		_, err := PoolConfig(Options{URL: secret.New(raw), AllowPlaintext: plaintext})
		if err == nil {
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.User == nil {
			return
		}
		if pw, ok := u.User.Password(); ok && len(pw) >= 8 && strings.Contains(err.Error(), pw) {
			t.Fatalf("the error quotes the password %q: %v", pw, err)
		}
	})
}
