package postgres

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley/internal/tlsconf"
)

// PoolConfig parses o.URL and applies Parley's rules to it: the pool
// settings, application_name, the TLS policy (tlsconf's versions and
// suites), and the transport rule: a server that is not on this machine is
// reached over TLS that verifies its certificate and name
// (sslmode=verify-full), unless o.AllowPlaintext says the network is
// trusted. The config check calls it too, so a bad store.url is caught
// before start.
//
// Errors never quote the URL: it may carry a password.
func PoolConfig(o Options) (*pgxpool.Config, error) {
	if o.URL.IsZero() {
		return nil, errors.New("postgres: store.url is required: a postgres:// URL (env:NAME or file:/path)")
	}
	cfg, err := pgxpool.ParseConfig(o.URL.Reveal())
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) && pe.Unwrap() != nil {
			err = pe.Unwrap()
		} else {
			err = errors.New("not a libpq connection string")
		}
		return nil, fmt.Errorf("postgres: store.url cannot be parsed: %w", err)
	}
	if o.MaxConns < 0 || o.MinConns < 0 || o.MaxConnLifetime < 0 || o.MaxConnIdleTime < 0 {
		return nil, errors.New("postgres: pool settings cannot be negative")
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if o.MinConns > 0 {
		cfg.MinConns = o.MinConns
	}
	if cfg.MinConns > cfg.MaxConns {
		return nil, fmt.Errorf("postgres: store.pool.min_conns (%d) is more than max_conns (%d)", cfg.MinConns, cfg.MaxConns)
	}
	if o.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = o.MaxConnLifetime
	}
	if o.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = o.MaxConnIdleTime
	}
	cc := cfg.ConnConfig
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = "parley"
	}
	policy := tlsconf.Client(nil)
	for _, fc := range append([]*pgconn.FallbackConfig{{Host: cc.Host, Port: cc.Port, TLSConfig: cc.TLSConfig}}, cc.Fallbacks...) {
		if fc.TLSConfig != nil {
			fc.TLSConfig.MinVersion = policy.MinVersion
			fc.TLSConfig.CipherSuites = policy.CipherSuites
		}
		if !o.AllowPlaintext && !local(fc.Host) && !verified(fc.TLSConfig) {
			return nil, fmt.Errorf("postgres: store.url reaches %s (not this machine) without verified TLS: add sslmode=verify-full and sslrootcert=/path/ca.pem (or sslrootcert=system) to the URL, ideally with a client certificate (sslcert, sslkey) instead of a password; or set store.allow_plaintext: true if the network to the database is trusted", fc.Host)
		}
	}
	return cfg, nil
}

// verified reports whether c checks the server's certificate chain and
// name: pgx leaves InsecureSkipVerify off only for sslmode=verify-full
// (sslmode=verify-ca checks the chain but not the name).
func verified(c *tls.Config) bool {
	return c != nil && !c.InsecureSkipVerify
}

// local reports whether host is on this machine: a Unix socket directory,
// "localhost", or a loopback IP literal. Any other name may resolve to
// another machine, today or tomorrow, so it is not.
func local(host string) bool {
	if strings.HasPrefix(host, "/") {
		return true
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}
