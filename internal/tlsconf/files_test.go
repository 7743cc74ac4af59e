package tlsconf

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLeaf writes a CA-issued leaf and its key as PEM files in dir.
func writeLeaf(t *testing.T, ca *CA, dir string) (certFile, keyFile string) {
	t.Helper()
	cert, err := ca.Issue()
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServerFromFiles(t *testing.T) {
	ca := newCA(t)
	dir := t.TempDir()
	certFile, keyFile := writeLeaf(t, ca, dir)
	otherDir := t.TempDir()
	_, otherKey := writeLeaf(t, ca, otherDir)

	tests := []struct {
		name      string
		cert, key string
		wantInErr string // empty: success
	}{
		{name: "valid pair", cert: certFile, key: keyFile},
		{name: "missing cert", cert: filepath.Join(dir, "nope.pem"), key: keyFile, wantInErr: "nope.pem"},
		{name: "missing key", cert: certFile, key: filepath.Join(dir, "nokey.pem"), wantInErr: "nokey.pem"},
		{name: "mismatched key", cert: certFile, key: otherKey, wantInErr: otherKey},
		{name: "key given as cert", cert: keyFile, key: keyFile, wantInErr: keyFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ServerFromFiles(tt.cert, tt.key)
			if tt.wantInErr == "" {
				if err != nil {
					t.Fatalf("ServerFromFiles: %v", err)
				}
				client := Client(ca.Pool())
				client.ServerName = "localhost"
				if clientErr, serverErr, _ := handshake(t, cfg, client); clientErr != nil || serverErr != nil {
					t.Fatalf("handshake: client %v, server %v", clientErr, serverErr)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q does not name %q", err, tt.wantInErr)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Errorf("error %q quotes key material", err)
			}
		})
	}
}

func TestPoolFromPEMFile(t *testing.T) {
	ca := newCA(t)
	dir := t.TempDir()
	caFile, err := ca.WriteFiles(filepath.Join(dir, "tls"))
	if err != nil {
		t.Fatalf("WriteFiles: %v", err)
	}
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr bool
	}{
		{name: "written ca", path: caFile},
		{name: "no pem inside", path: garbage, wantErr: true},
		{name: "missing", path: filepath.Join(dir, "missing.pem"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, err := PoolFromPEMFile(tt.path)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				if !strings.Contains(err.Error(), filepath.Base(tt.path)) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PoolFromPEMFile: %v", err)
			}
			if !pool.Equal(ca.Pool()) {
				t.Error("pool holds more or other than the CA")
			}
		})
	}
}

func TestIssueSANs(t *testing.T) {
	ca := newCA(t)
	cert, err := ca.Issue()
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if got := cert.Leaf.DNSNames; len(got) != 1 || got[0] != "localhost" {
		t.Errorf("DNS SANs = %v, want [localhost]", got)
	}
	var ips []string
	for _, ip := range cert.Leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	if strings.Join(ips, ",") != "127.0.0.1,::1" {
		t.Errorf("IP SANs = %v, want [127.0.0.1 ::1]", ips)
	}
	if cert.Leaf.NotAfter.After(ca.cert.NotAfter) {
		t.Error("leaf outlives its CA")
	}
	if _, err := ca.Issue("localhost", ""); err == nil {
		t.Error("empty host accepted")
	}
}

func TestHTTPClientSpeaksHTTP2OverVerifiedTLS(t *testing.T) {
	ca := newCA(t)
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.TLS = Server(cert)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		client  *http.Client
		wantErr bool
	}{
		{name: "trusting the ca", client: HTTPClient(ca.Pool())},
		{name: "trusting another ca", client: HTTPClient(newCA(t).Pool()), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.client.Get(srv.URL)
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("request to an untrusted server succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if string(body) != "HTTP/2.0" {
				t.Errorf("protocol = %q, want HTTP/2.0", body)
			}
		})
	}
}

func TestWriteFilesHoldsNoKey(t *testing.T) {
	ca := newCA(t)
	caFile, err := ca.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatalf("WriteFiles: %v", err)
	}
	b, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "PRIVATE KEY") {
		t.Error("ca.pem holds a private key")
	}
	if string(b) != string(ca.CertPEM()) {
		t.Error("ca.pem differs from CertPEM")
	}
}
