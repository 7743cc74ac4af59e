package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"parley/internal/store/postgres"
)

// Store configures the database.
type Store struct {
	// Driver is "sqlite" (default: one file, DataDir/parley.db) or
	// "postgres" (shared by every node of a scale-out deployment).
	Driver string `yaml:"driver"`
	// Path overrides the SQLite file location.
	Path string `yaml:"path"`
	// URL is PostgreSQL's libpq URL, a secret reference since it may carry
	// a password: better none, and TLS with sslmode=verify-full and a CA
	// file, with a client certificate (sslcert, sslkey) to log in.
	URL SecretRef `yaml:"url"`
	// AllowPlaintext permits a connection without verified TLS to a
	// database that is not on this machine.
	AllowPlaintext bool `yaml:"allow_plaintext"`
	// Pool sizes PostgreSQL's connection pool, per node.
	Pool StorePool `yaml:"pool"`
}

// StorePool sizes the PostgreSQL connection pool; zero keeps pgx's default.
type StorePool struct {
	MaxConns        int32         `yaml:"max_conns"`
	MinConns        int32         `yaml:"min_conns"`
	MaxConnLifetime time.Duration `yaml:"max_conn_lifetime"`
	MaxConnIdleTime time.Duration `yaml:"max_conn_idle_time"`
}

// Postgres returns the PostgreSQL store's options.
func (s Store) Postgres() postgres.Options {
	return postgres.Options{
		URL:             s.URL.Value,
		AllowPlaintext:  s.AllowPlaintext,
		MaxConns:        s.Pool.MaxConns,
		MinConns:        s.Pool.MinConns,
		MaxConnLifetime: s.Pool.MaxConnLifetime,
		MaxConnIdleTime: s.Pool.MaxConnIdleTime,
	}
}

func (c *Config) validateStore() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	s := c.Store
	switch s.Driver {
	case "sqlite":
		if !s.URL.Value.IsZero() || s.AllowPlaintext || s.Pool != (StorePool{}) {
			add("store: url, allow_plaintext and pool are for driver postgres; sqlite takes only path")
		}
	case "postgres":
		if s.Path != "" {
			add("store.path is for driver sqlite; postgres takes url")
		}
		// The store's own parser judges the URL, the TLS rule and the
		// pool, so that a config that passes the check also starts.
		if _, err := postgres.PoolConfig(s.Postgres()); err != nil {
			errs = append(errs, err)
		}
	default:
		add("store.driver: %q is not supported (sqlite, postgres)", s.Driver)
	}
	return errs
}

// urlHasPassword reports whether a libpq URL or keyword/value string
// carries a password.
func urlHasPassword(raw string) bool {
	if u, err := url.Parse(raw); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		_, set := u.User.Password()
		return set || u.Query().Has("password")
	}
	return strings.Contains(raw, "password")
}
