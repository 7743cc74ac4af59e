package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"testing"
	"time"
)

// handshake runs a TLS handshake over loopback TCP and returns both sides'
// errors and the client's view of the connection. A kernel socket, unlike
// net.Pipe, buffers a flight that the failing side never reads.
func handshake(t *testing.T, server, client *tls.Config) (clientErr, serverErr error, state tls.ConnectionState) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	deadline := time.Now().Add(10 * time.Second)
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		_ = c.SetDeadline(deadline)
		done <- tls.Server(c, server).Handshake()
	}()
	raw, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = raw.SetDeadline(deadline)
	c := tls.Client(raw, client)
	clientErr = c.Handshake()
	state = c.ConnectionState()
	_ = raw.Close()
	serverErr = <-done
	return clientErr, serverErr, state
}

func newCA(t *testing.T) *CA {
	t.Helper()
	ca, err := NewCA("parley test CA")
	if err != nil {
		t.Fatalf("NewCA: %v", err)
	}
	return ca
}

func TestServerPolicy(t *testing.T) {
	ca := newCA(t)
	cert, err := ca.Issue()
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	server := Server(cert)

	tests := []struct {
		name        string
		client      func(*tls.Config)
		wantOK      bool
		wantVersion uint16
	}{
		{
			name: "tls11 refused",
			client: func(c *tls.Config) {
				c.MinVersion = tls.VersionTLS10
				c.MaxVersion = tls.VersionTLS11
			},
		},
		{
			name: "tls12 cbc refused",
			client: func(c *tls.Config) {
				c.MaxVersion = tls.VersionTLS12
				c.CipherSuites = []uint16{
					tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
					tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
				}
			},
		},
		{
			name: "tls12 aes-gcm accepted",
			client: func(c *tls.Config) {
				c.MaxVersion = tls.VersionTLS12
				c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
			},
			wantOK:      true,
			wantVersion: tls.VersionTLS12,
		},
		{
			name: "tls12 chacha20 accepted",
			client: func(c *tls.Config) {
				c.MaxVersion = tls.VersionTLS12
				c.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
			},
			wantOK:      true,
			wantVersion: tls.VersionTLS12,
		},
		{
			name:        "tls13 preferred",
			client:      func(*tls.Config) {},
			wantOK:      true,
			wantVersion: tls.VersionTLS13,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}
			tt.client(client)
			clientErr, serverErr, state := handshake(t, server, client)
			if !tt.wantOK {
				// io.EOF would mean the client gave up on its own; the
				// server must be the one that says no.
				if clientErr == nil || serverErr == nil || errors.Is(serverErr, io.EOF) {
					t.Fatalf("client err %v, server err %v; want the server to refuse", clientErr, serverErr)
				}
				return
			}
			if clientErr != nil || serverErr != nil {
				t.Fatalf("handshake failed: client %v, server %v", clientErr, serverErr)
			}
			if state.Version != tt.wantVersion {
				t.Errorf("version = %s, want %s", tls.VersionName(state.Version), tls.VersionName(tt.wantVersion))
			}
		})
	}
}

func TestClientVerification(t *testing.T) {
	ca := newCA(t)
	issued, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	other, err := newCA(t).Issue("127.0.0.1")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	tests := []struct {
		name       string
		cert       tls.Certificate
		serverName string
		wantOK     bool
	}{
		{name: "ca issued, ip san", cert: issued, serverName: "127.0.0.1", wantOK: true},
		{name: "ca issued, dns san", cert: issued, serverName: "localhost", wantOK: true},
		{name: "ca issued, wrong name", cert: issued, serverName: "example.com"},
		{name: "self-signed", cert: selfSigned(t, "127.0.0.1"), serverName: "127.0.0.1"},
		{name: "other ca", cert: other, serverName: "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := Client(ca.Pool())
			client.ServerName = tt.serverName
			clientErr, _, _ := handshake(t, Server(tt.cert), client)
			if tt.wantOK && clientErr != nil {
				t.Fatalf("handshake: %v", clientErr)
			}
			if !tt.wantOK && clientErr == nil {
				t.Fatal("client accepted an untrusted server")
			}
		})
	}
}

func TestClientNeverSkipsVerify(t *testing.T) {
	for _, c := range []*tls.Config{Client(nil), Client(x509.NewCertPool())} {
		if c.InsecureSkipVerify {
			t.Fatal("InsecureSkipVerify is set")
		}
		if c.MinVersion != tls.VersionTLS12 {
			t.Fatalf("MinVersion = %s", tls.VersionName(c.MinVersion))
		}
	}
}

// selfSigned makes a leaf that signs itself, as a misconfigured or hostile
// server would present.
func selfSigned(t *testing.T, host string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP(host)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// A client certificate from IssueClient passes a server that verifies
// clients against the CA; a server certificate, or one from another CA,
// does not.
func TestIssueClientMutualTLS(t *testing.T) {
	ca := newCA(t)
	serverCert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	clientCert, err := ca.IssueClient("parley-bus")
	if err != nil {
		t.Fatalf("IssueClient: %v", err)
	}
	foreign, err := newCA(t).IssueClient("parley-bus")
	if err != nil {
		t.Fatal(err)
	}
	if clientCert.Leaf.Subject.CommonName != "parley-bus" {
		t.Errorf("common name = %q", clientCert.Leaf.Subject.CommonName)
	}
	if _, err := ca.IssueClient(""); err == nil {
		t.Error("empty name accepted")
	}
	tests := []struct {
		name    string
		certs   []tls.Certificate
		wantErr bool
	}{
		{name: "client certificate", certs: []tls.Certificate{clientCert}},
		{name: "no certificate", wantErr: true},
		{name: "server certificate as client", certs: []tls.Certificate{serverCert}, wantErr: true},
		{name: "another CA's client certificate", certs: []tls.Certificate{foreign}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := Server(serverCert)
			server.ClientAuth = tls.RequireAndVerifyClientCert
			server.ClientCAs = ca.Pool()
			client := Client(ca.Pool())
			client.ServerName = "localhost"
			client.Certificates = tt.certs
			_, serverErr, _ := handshake(t, server, client)
			if tt.wantErr != (serverErr != nil) {
				t.Fatalf("server handshake error = %v, want error: %v", serverErr, tt.wantErr)
			}
		})
	}
}
