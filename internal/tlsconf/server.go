package tlsconf

import (
	"crypto/tls"
	"fmt"
	"os"
)

// Server returns the configuration for a Parley listener serving cert.
func Server(cert tls.Certificate) *tls.Config {
	c := base()
	c.Certificates = []tls.Certificate{cert}
	return c
}

// ServerFromFiles loads a PEM certificate chain and its private key and
// returns Server's configuration for them. The files are read once; a
// certificate rotation needs a restart.
func ServerFromFiles(certFile, keyFile string) (*tls.Config, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: read certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: read private key: %w", err)
	}
	// X509KeyPair's errors never quote key material, so they are safe to
	// wrap; naming both files tells the operator where to look.
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: certificate %s with key %s: %w", certFile, keyFile, err)
	}
	return Server(cert), nil
}
