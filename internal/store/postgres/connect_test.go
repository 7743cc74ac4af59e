package postgres

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"parley/internal/secret"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/tlsconf"
)

func TestPoolConfigTransport(t *testing.T) {
	ca, err := tlsconf.NewCA("test database CA")
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	verified := "sslmode=verify-full&sslrootcert=" + url.QueryEscape(caFile)
	for _, tc := range []struct {
		name      string
		url       string
		plaintext bool // store.allow_plaintext
		ok        bool
	}{
		{"loopback, no TLS", "postgres://parley@127.0.0.1:5432/parley?sslmode=disable", false, true},
		{"loopback by default (prefer)", "postgres://parley@127.0.0.1/parley", false, true},
		{"localhost", "postgres://parley@localhost/parley?sslmode=disable", false, true},
		{"IPv6 loopback", "postgres://parley@[::1]:5432/parley?sslmode=disable", false, true},
		{"Unix socket", "host=/var/run/postgresql dbname=parley sslmode=disable", false, true},
		{"remote, verify-full", "postgres://parley@db.internal:5432/parley?" + verified, false, true},
		{"remote, verify-full with the system roots", "postgres://parley@db.example.com/parley?sslmode=verify-full&sslrootcert=system", false, true},
		{"remote, verify-full, keyword form", "host=db.internal dbname=parley sslmode=verify-full sslrootcert=" + caFile, false, true},
		{"remote, no TLS", "postgres://parley@db.internal/parley?sslmode=disable", false, false},
		{"remote, default sslmode (prefer falls back to plaintext)", "postgres://parley@db.internal/parley", false, false},
		{"remote, allow", "postgres://parley@db.internal/parley?sslmode=allow", false, false},
		{"remote, require (no verification)", "postgres://parley@db.internal/parley?sslmode=require", false, false},
		{"remote, verify-ca (no name check)", "postgres://parley@db.internal/parley?sslmode=verify-ca&sslrootcert=" + url.QueryEscape(caFile), false, false},
		{"remote IP, no TLS", "postgres://parley@10.0.0.5/parley?sslmode=disable", false, false},
		{"a name that merely starts like loopback", "postgres://parley@127.0.0.1.nip.io/parley?sslmode=disable", false, false},
		{"localhost as a subdomain", "postgres://parley@localhost.example.com/parley?sslmode=disable", false, false},
		{"second host remote", "postgres://parley@127.0.0.1,db.internal/parley?sslmode=disable", false, false},
		{"remote, no TLS, allowed", "postgres://parley@db.internal/parley?sslmode=disable", true, true},
		{"remote, require, allowed", "postgres://parley@db.internal/parley?sslmode=require", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PoolConfig(Options{URL: secret.New(tc.url), AllowPlaintext: tc.plaintext})
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok {
				if err == nil {
					t.Fatal("accepted")
				}
				if !strings.Contains(err.Error(), "verify-full") || !strings.Contains(err.Error(), "allow_plaintext") {
					t.Fatalf("the error does not say what to do: %v", err)
				}
			}
		})
	}
}

func TestPoolConfigSettings(t *testing.T) {
	cfg, err := PoolConfig(Options{URL: secret.New("postgres://parley@db.internal/parley?sslmode=verify-full&sslrootcert=system"),
		MaxConns: 30, MinConns: 3, MaxConnLifetime: time.Hour, MaxConnIdleTime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConns != 30 || cfg.MinConns != 3 || cfg.MaxConnLifetime != time.Hour || cfg.MaxConnIdleTime != time.Minute {
		t.Fatalf("pool = %d..%d, %v, %v", cfg.MinConns, cfg.MaxConns, cfg.MaxConnLifetime, cfg.MaxConnIdleTime)
	}
	tc := cfg.ConnConfig.TLSConfig
	policy := tlsconf.Client(nil)
	if tc == nil || tc.MinVersion != tls.VersionTLS12 || !slices.Equal(tc.CipherSuites, policy.CipherSuites) || tc.ServerName != "db.internal" {
		t.Fatalf("TLS config does not follow the policy: %+v", tc)
	}
	if got := cfg.ConnConfig.RuntimeParams["application_name"]; got != "parley" {
		t.Fatalf("application_name = %q", got)
	}
	// The URL's own settings stand where Options say nothing.
	cfg, err = PoolConfig(Options{URL: secret.New("postgres://parley@127.0.0.1/parley?pool_max_conns=7&application_name=node-1")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConns != 7 || cfg.ConnConfig.RuntimeParams["application_name"] != "node-1" {
		t.Fatalf("URL settings lost: max %d, application_name %q", cfg.MaxConns, cfg.ConnConfig.RuntimeParams["application_name"])
	}
	for name, o := range map[string]Options{
		"no URL":      {},
		"min > max":   {URL: secret.New("postgres://127.0.0.1/p"), MaxConns: 2, MinConns: 5},
		"negative":    {URL: secret.New("postgres://127.0.0.1/p"), MaxConns: -1},
		"not a URL":   {URL: secret.New("postgres://127.0.0.1:port/p")},
		"bad sslmode": {URL: secret.New("postgres://127.0.0.1/p?sslmode=sometimes")},
	} {
		if _, err := PoolConfig(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestErrorsHideThePassword: whatever goes wrong with a URL that carries a
// password, the error (which reaches logs and the terminal) does not.
func TestErrorsHideThePassword(t *testing.T) {
	const password = "pa55-w0rd-in-url"
	for _, u := range []string{
		"postgres://parley:" + password + "@db.internal/parley?sslmode=disable",   // refused: plaintext
		"postgres://parley:" + password + "@db.internal:port/parley",              // unparsable
		"postgres://parley:" + password + "@127.0.0.1/parley?sslmode=sometimes",   // bad sslmode
		"host=db.internal password=" + password + " sslmode=disable",              // keyword form, refused
		"host=127.0.0.1 password='" + password + " sslmode=disable",               // keyword form, unterminated
		"postgres://parley:" + password + "@127.0.0.1:1/parley?connect_timeout=1", // nothing listens
	} {
		_, err := Open(t.Context(), Options{URL: secret.New(u)})
		if err == nil {
			t.Fatalf("opened %q", u)
		}
		if strings.Contains(err.Error(), password) {
			t.Fatalf("the error shows the password: %v", err)
		}
	}
}

// TestVerifiedTLS connects to the test server over TLS that verifies the
// server's certificate and name, and fails to with a CA that did not sign
// it. It needs the server to speak TLS with a certificate for localhost
// (Debian's snake-oil certificate is one) and a superuser to find it.
func TestVerifiedTLS(t *testing.T) {
	_, u := pgtest.Schema(t)
	plain, err := Open(t.Context(), Options{URL: secret.New(u)})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	requireSuperuser(t, plain)
	var ssl, certFile string
	if err := plain.pool.QueryRow(t.Context(), `SELECT current_setting('ssl'), current_setting('ssl_cert_file')`).Scan(&ssl, &certFile); err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(certFile)
	if ssl != "on" || err != nil {
		t.Skipf("the test server does not offer TLS with a readable certificate (ssl=%s, %s: %v)", ssl, certFile, err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Skipf("%s holds no PEM certificate", certFile)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil || cert.VerifyHostname("localhost") != nil {
		t.Skipf("the server's certificate is not for localhost (%v)", err)
	}
	dir := t.TempDir()
	serverCA := dir + "/server.pem"
	if err := os.WriteFile(serverCA, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := tlsconf.NewCA("not the server's CA")
	if err != nil {
		t.Fatal(err)
	}
	otherCA, err := other.WriteFiles(dir + "/other")
	if err != nil {
		t.Fatal(err)
	}
	withTLS := func(ca string) string {
		v, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		v.Host = "localhost:" + v.Port()
		q := v.Query()
		q.Set("sslmode", "verify-full")
		q.Set("sslrootcert", ca)
		v.RawQuery = q.Encode()
		return v.String()
	}
	s, err := Open(t.Context(), Options{URL: secret.New(withTLS(serverCA))})
	if err != nil {
		t.Fatalf("verify-full with the server's CA: %v", err)
	}
	defer s.Close()
	var onTLS bool
	if err := s.pool.QueryRow(t.Context(), `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&onTLS); err != nil || !onTLS {
		t.Fatalf("the session is not on TLS: %v, %v", onTLS, err)
	}
	if s, err := Open(t.Context(), Options{URL: secret.New(withTLS(otherCA))}); err == nil {
		s.Close()
		t.Fatal("connected with a CA that did not sign the server's certificate")
	}
}
