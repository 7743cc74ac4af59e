package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CA is a throw-away certificate authority held in memory, for the sandbox
// and tests. Its key is never written anywhere; when the process ends the CA
// can issue nothing more, and its certificates expire within a day.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// caValidity is long enough for a sandbox session, short enough that a
// leaked certificate is soon worthless.
const caValidity = 24 * time.Hour

// clockSkew backdates certificates so a peer whose clock is a little behind
// still accepts them.
const clockSkew = 5 * time.Minute

// defaultHosts are the loopback names a sandbox listener answers on.
var defaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// NewCA creates a CA whose subject common name is name.
func NewCA(name string) (*CA, error) {
	if name == "" {
		return nil, errors.New("tlsconf: CA needs a name")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: generate CA key: %w", err)
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Parley sandbox"}},
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		// The CA signs leaves only, never another CA.
		MaxPathLenZero: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: self-sign CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("tlsconf: parse CA certificate: %w", err)
	}
	return &CA{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// CertPEM returns the CA certificate in PEM form, for clients to trust.
func (ca *CA) CertPEM() []byte { return append([]byte(nil), ca.certPEM...) }

// Pool returns a pool holding only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// Issue returns a server certificate for hosts, signed by the CA. Hosts that
// parse as IP addresses become IP SANs, the rest DNS SANs. With no hosts the
// leaf covers localhost, 127.0.0.1 and ::1.
func (ca *CA) Issue(hosts ...string) (tls.Certificate, error) {
	if len(hosts) == 0 {
		hosts = defaultHosts
	}
	tmpl := &x509.Certificate{
		NotBefore:   time.Now().Add(-clockSkew),
		NotAfter:    ca.cert.NotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if h == "" {
			return tls.Certificate{}, errors.New("tlsconf: issue: empty host name")
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	tmpl.Subject = pkix.Name{CommonName: hosts[0]}
	return ca.sign(tmpl)
}

// IssueClient returns a client certificate for mutual TLS whose subject
// common name is name, signed by the CA: a server that trusts the CA for
// clients (the bus's NATS in tests) accepts it.
func (ca *CA) IssueClient(name string) (tls.Certificate, error) {
	if name == "" {
		return tls.Certificate{}, errors.New("tlsconf: issue client: empty name")
	}
	return ca.sign(&x509.Certificate{
		Subject:     pkix.Name{CommonName: name},
		NotBefore:   time.Now().Add(-clockSkew),
		NotAfter:    ca.cert.NotAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// sign gives tmpl a serial and a fresh key and signs it with the CA.
func (ca *CA) sign(tmpl *x509.Certificate) (tls.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl.SerialNumber = serial
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsconf: generate leaf key: %w", err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsconf: sign leaf: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tlsconf: parse leaf: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// WriteFiles writes the CA certificate (never its key) to dir/ca.pem and
// returns that path. The certificate is public, so the file is world-readable.
func (ca *CA) WriteFiles(dir string) (caFile string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("tlsconf: create %s: %w", dir, err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.certPEM, 0o644); err != nil {
		return "", fmt.Errorf("tlsconf: write CA certificate: %w", err)
	}
	return caFile, nil
}

// newSerial returns a random 128-bit serial number, as RFC 5280 asks for
// unpredictable serials.
func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("tlsconf: serial number: %w", err)
	}
	return n, nil
}
