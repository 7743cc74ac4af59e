package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Client returns the configuration for an outbound connection. roots are the
// CAs to trust; nil means the system roots. Verification is never skipped:
// a test or the sandbox trusts its own CA through roots instead.
func Client(roots *x509.CertPool) *tls.Config {
	c := base()
	c.RootCAs = roots
	return c
}

// Timeouts of HTTPClient. There is no overall request timeout because file
// transfers and event streams may legitimately run long; callers bound a
// request with its context.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
	idleConnTimeout       = 90 * time.Second
	keepAlive             = 30 * time.Second
)

// HTTPClient returns an HTTP client that speaks TLS by Client(roots), tries
// HTTP/2, and takes its proxy from the environment (HTTPS_PROXY, NO_PROXY).
func HTTPClient(roots *x509.CertPool) *http.Client {
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		TLSClientConfig:       Client(roots),
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: responseHeaderTimeout,
		IdleConnTimeout:       idleConnTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		// A custom TLSClientConfig turns HTTP/2 off unless asked for.
		ForceAttemptHTTP2: true,
	}
	return &http.Client{Transport: t}
}

// PoolFromPEMFile returns a pool holding only the CA certificates in path,
// not the system roots: the sandbox uses it to trust exactly its own CA.
func PoolFromPEMFile(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: read CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("tlsconf: CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}
