package config

import (
	"strings"
	"testing"
	"time"
)

func TestStoreConfig(t *testing.T) {
	setEnv(t)
	t.Setenv("TEST_STORE_URL", "postgres://parley@db.internal:5432/parley?sslmode=verify-full&sslrootcert=system")
	for _, tc := range []struct {
		name  string
		store string
		want  string // "" for valid, else a fragment of the error
	}{
		{"default sqlite", ``, ""},
		{"sqlite path", `{driver: sqlite, path: /var/lib/parley/p.db}`, ""},
		{"postgres by reference", `{driver: postgres, url: env:TEST_STORE_URL}`, ""},
		{"postgres on loopback", `{driver: postgres, url: "postgres://parley@127.0.0.1/parley"}`, ""},
		{"postgres pool", `{driver: postgres, url: env:TEST_STORE_URL, pool: {max_conns: 20, min_conns: 2, max_conn_lifetime: 1h, max_conn_idle_time: 5m}}`, ""},
		{"plaintext to a remote host", `{driver: postgres, url: "postgres://parley@db.internal/parley?sslmode=disable"}`, "allow_plaintext"},
		{"plaintext allowed", `{driver: postgres, url: "postgres://parley@db.internal/parley?sslmode=disable", allow_plaintext: true}`, ""},
		{"postgres without url", `{driver: postgres}`, "store.url is required"},
		{"postgres with a path", `{driver: postgres, url: env:TEST_STORE_URL, path: x.db}`, "store.path is for driver sqlite"},
		{"sqlite with a url", `{driver: sqlite, url: env:TEST_STORE_URL}`, "for driver postgres"},
		{"sqlite with a pool", `{pool: {max_conns: 3}}`, "for driver postgres"},
		{"min over max", `{driver: postgres, url: env:TEST_STORE_URL, pool: {max_conns: 2, min_conns: 3}}`, "min_conns"},
		{"unknown driver", `{driver: mysql}`, `"mysql" is not supported`},
		{"unknown key", `{driver: postgres, uri: x}`, "unknown key uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := valid
			if tc.store != "" {
				doc += "store: " + tc.store + "\n"
			}
			c, err := Parse([]byte(doc), "/etc/parley")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Store.Driver == "sqlite" && c.Store.Path == "" || c.Store.Driver == "postgres" && c.Store.Path != "" {
					t.Fatalf("store = %+v", c.Store)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestStorePoolAndEnv(t *testing.T) {
	setEnv(t)
	t.Setenv("PARLEY_STORE_DRIVER", "postgres")
	t.Setenv("PARLEY_STORE_URL", "postgres://parley@127.0.0.1/parley")
	c, err := Parse([]byte(valid+"store: {pool: {max_conns: 20, max_conn_idle_time: 5m}}\n"), "/etc/parley")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Store.Postgres()
	if c.Store.Driver != "postgres" || o.URL.Reveal() != "postgres://parley@127.0.0.1/parley" || o.MaxConns != 20 || o.MaxConnIdleTime != 5*time.Minute {
		t.Fatalf("store = %+v, options %+v", c.Store, o)
	}
	if c.Store.URL.Inline() {
		t.Fatal("a URL from the environment counts as inline")
	}
}

// TestStoreURLPassword: a password written into the file is warned about
// and never printed; a URL without one is not a secret worth a warning.
func TestStoreURLPassword(t *testing.T) {
	setEnv(t)
	const password = "hunter2-db-password"
	for _, tc := range []struct {
		url  string
		warn bool
	}{
		{"postgres://parley:" + password + "@127.0.0.1/parley", true},
		{"postgres://parley@127.0.0.1/parley?password=" + password, true},
		{"host=127.0.0.1 user=parley password=" + password, true},
		{"postgres://parley@127.0.0.1/parley", false},
	} {
		c, err := Parse([]byte(valid+"store: {driver: postgres, url: \""+tc.url+"\"}\n"), "/etc/parley")
		if err != nil {
			t.Fatal(err)
		}
		warned := strings.Contains(strings.Join(c.InlineSecrets(), ","), "store.url")
		if warned != tc.warn {
			t.Errorf("%s: warned %v, want %v", tc.url, warned, tc.warn)
		}
	}
	// Refused for plaintext to a remote host: the error does not show it.
	_, err := Parse([]byte(valid+"store: {driver: postgres, url: \"postgres://parley:"+password+"@db.internal/parley?sslmode=disable\"}\n"), "/etc/parley")
	if err == nil || strings.Contains(err.Error(), password) {
		t.Fatalf("err = %v", err)
	}
}
