package bus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"parley/internal/secret"
	"parley/internal/tlsconf"
)

// The decision is made from the URL's text, without a network: a plaintext
// scheme to anything but loopback is exposed.
func TestParseTransport(t *testing.T) {
	tests := []struct {
		url         string
		wantTLS     bool
		wantExposed string // comma-joined
		wantErr     string
	}{
		{url: "nats://127.0.0.1:4222"},
		{url: "nats://localhost:4222"},
		{url: "nats://[::1]:4222"},
		{url: "127.0.0.1:4222"},
		{url: "nats://user:pass@127.0.0.1:4222"},
		{url: "nats://127.0.0.1:4222, nats://127.0.0.2:4222"},
		{url: "ws://localhost:8080"},
		{url: "tls://nats.example.com:4222", wantTLS: true},
		{url: "TLS://10.0.0.5:4222", wantTLS: true},
		{url: "wss://nats.example.com", wantTLS: true},
		{url: "tls://a.example.com:4222,tls://b.example.com:4222", wantTLS: true},
		{url: "nats://10.0.0.5:4222", wantExposed: "10.0.0.5"},
		{url: "nats://nats.example.com:4222", wantExposed: "nats.example.com"},
		{url: "nats://user:hunter2@nats.example.com:4222", wantExposed: "nats.example.com"},
		{url: "10.0.0.5:4222", wantExposed: "10.0.0.5"},
		{url: "nats://0.0.0.0:4222", wantExposed: "0.0.0.0"},
		{url: "nats://127.0.0.1.nip.io:4222", wantExposed: "127.0.0.1.nip.io"},
		{url: "nats://localhost.example.com:4222", wantExposed: "localhost.example.com"},
		{url: "nats://127.0.0.1:4222,nats://10.0.0.6:4222", wantExposed: "10.0.0.6"},
		{url: "ws://nats.example.com", wantExposed: "nats.example.com"},
		{url: "tls://a.example.com:4222,nats://127.0.0.1:4222", wantErr: "mixes TLS"},
		{url: "http://nats.example.com", wantErr: `scheme "http"`},
		{url: " , ", wantErr: "no server"},
		{url: "nats://user:p%zz@host:4222", wantErr: "server 1"},
		{url: "nats://:4222", wantErr: "server 1"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseTransport(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "p%zz") || strings.Contains(err.Error(), "user") {
					t.Errorf("error %q quotes the URL", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTransport: %v", err)
			}
			if got.TLS != tt.wantTLS || strings.Join(got.Exposed, ",") != tt.wantExposed {
				t.Errorf("= %+v, want TLS %v, exposed %q", got, tt.wantTLS, tt.wantExposed)
			}
		})
	}
}

func TestCheckTransport(t *testing.T) {
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{name: "plaintext beyond loopback", o: Options{URL: "nats://nats.example.com:4222"}, wantErr: "bus.allow_plaintext"},
		{name: "plaintext beyond loopback, allowed", o: Options{URL: "nats://nats.example.com:4222", AllowPlaintext: true}},
		{name: "plaintext to loopback", o: Options{URL: "nats://127.0.0.1:4222"}},
		{name: "tls", o: Options{URL: "tls://nats.example.com:4222", CAFile: "ca.pem", CertFile: "c.pem", KeyFile: "k.pem"}},
		{name: "ca for plaintext", o: Options{URL: "nats://127.0.0.1:4222", CAFile: "ca.pem"}, wantErr: "not tls://"},
		{name: "cert without key", o: Options{URL: "tls://nats.example.com:4222", CertFile: "c.pem"}, wantErr: "both"},
		{name: "creds and nkey", o: Options{URL: "tls://nats.example.com:4222", Creds: secret.New("x"), NKeySeed: secret.New("y")}, wantErr: "give one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.o.checkTransport()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("checkTransport: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// Open refuses before dialling: the host below does not exist, so an
// attempt to reach it would fail with a connection error instead.
func TestOpenRefusesPlaintextBeyondLoopback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Open(ctx, Options{URL: "nats://user:hunter2@parley-bus.invalid:4222"})
	if err == nil {
		_ = b.Close()
		t.Fatal("Open connected in plaintext to a host beyond loopback")
	}
	if !errors.Is(err, ErrPlaintext) || !strings.Contains(err.Error(), "bus.allow_plaintext") || !strings.Contains(err.Error(), "parley-bus.invalid") {
		t.Errorf("error = %v, want ErrPlaintext naming the host and bus.allow_plaintext", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q quotes the password", err)
	}
}

// natsServer is a real NATS server with JetStream on loopback, serving TLS
// with a certificate from ca. tweak adds authentication.
func natsServer(t *testing.T, ca *tlsconf.CA, tweak func(*server.Options)) string {
	t.Helper()
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	o := &server.Options{
		Host:       "127.0.0.1",
		Port:       -1,
		JetStream:  true,
		StoreDir:   t.TempDir(),
		TLSConfig:  tlsconf.Server(cert),
		TLSTimeout: 5,
		NoSigs:     true,
		NoLog:      os.Getenv("PARLEY_TEST_NATS_LOG") == "",
	}
	if tweak != nil {
		tweak(o)
	}
	s, err := server.NewServer(o)
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	if !o.NoLog {
		s.ConfigureLogger()
	}
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	return strings.Replace(s.ClientURL(), "nats://", "tls://", 1)
}

// writeCA writes the CA certificate as a file a config would name.
func writeCA(t *testing.T, ca *tlsconf.CA) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(f, ca.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// writeCert writes a certificate and its key as PEM files.
func writeCert(t *testing.T, cert tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// relays opens the bus with o and checks that a published event comes
// back through Consume; it returns Open's error instead when Open fails.
func relays(t *testing.T, o Options) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := Open(ctx, o)
	if err != nil {
		return err
	}
	t.Cleanup(func() { _ = b.Close() })
	publish(t, b, msg(1), msg(2))
	c := consume(t, b, true)
	got := c.waitCount(t, 2)
	if string(got[0].Data) != string(msg(1).Data) || string(got[1].Data) != string(msg(2).Data) {
		t.Errorf("relayed %q, %q", got[0].Data, got[1].Data)
	}
	return nil
}

type authCase struct {
	name    string
	o       Options
	wantErr string // empty: connects and relays
}

func runAuthCases(t *testing.T, cases []authCase) {
	t.Helper()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A stream per case: the same message IDs on one stream would
			// be dropped as duplicates.
			tc.o.Stream = fmt.Sprintf("PARLEY_AUTH_%d", i)
			tc.o.AckWait = time.Second
			err := relays(t, tc.o)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("connected and relayed; want a refusal")
			}
			t.Logf("refused: %v", err)
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.wantErr)) {
				t.Errorf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func userSeed(t *testing.T) (nkeys.KeyPair, string) {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := kp.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return kp, string(seed)
}

// TLS plus an nkey user: the right CA and seed relay; another CA, no
// seed or another seed are refused.
func TestTLSWithNkey(t *testing.T) {
	ca := newTestCA(t)
	kp, seed := userSeed(t)
	pub, _ := kp.PublicKey()
	_, otherSeed := userSeed(t)
	url := natsServer(t, ca, func(o *server.Options) { o.Nkeys = []*server.NkeyUser{{Nkey: pub}} })
	caFile, otherCA := writeCA(t, ca), writeCA(t, newTestCA(t))
	runAuthCases(t, []authCase{
		{name: "right CA and seed", o: Options{URL: url, CAFile: caFile, NKeySeed: secret.New(seed)}},
		{name: "CA through RootCAs", o: Options{URL: url, RootCAs: ca.Pool(), NKeySeed: secret.New(seed)}},
		{name: "another CA", o: Options{URL: url, CAFile: otherCA, NKeySeed: secret.New(seed)}, wantErr: "certificate signed by unknown authority"},
		{name: "system roots", o: Options{URL: url, NKeySeed: secret.New(seed)}, wantErr: "certificate signed by unknown authority"},
		{name: "no credentials", o: Options{URL: url, CAFile: caFile}, wantErr: "authorization violation"},
		{name: "another seed", o: Options{URL: url, CAFile: caFile, NKeySeed: secret.New(otherSeed)}, wantErr: "authorization violation"},
		{name: "not a seed", o: Options{URL: url, CAFile: caFile, NKeySeed: secret.New("not-a-seed")}, wantErr: "nkey seed"},
	})
}

// TLS plus JWT authentication (operator mode, a .creds file): the right
// creds relay; another account's user, a bare seed or garbage are refused.
func TestTLSWithCreds(t *testing.T) {
	ca := newTestCA(t)
	operator, _ := nkeys.CreateOperator()
	opPub, _ := operator.PublicKey()
	opClaims := jwt.NewOperatorClaims(opPub)
	account, _ := nkeys.CreateAccount()
	accPub, _ := account.PublicKey()
	accClaims := jwt.NewAccountClaims(accPub)
	accClaims.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	accJWT, err := accClaims.Encode(operator)
	if err != nil {
		t.Fatal(err)
	}
	creds := func(signer nkeys.KeyPair) string {
		kp, seed := userSeed(t)
		pub, _ := kp.PublicKey()
		uj, err := jwt.NewUserClaims(pub).Encode(signer)
		if err != nil {
			t.Fatal(err)
		}
		b, err := jwt.FormatUserConfig(uj, []byte(seed))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stranger, _ := nkeys.CreateAccount() // an account the server does not know
	// JetStream in operator mode needs a system account.
	system, _ := nkeys.CreateAccount()
	sysPub, _ := system.PublicKey()
	sysJWT, err := jwt.NewAccountClaims(sysPub).Encode(operator)
	if err != nil {
		t.Fatal(err)
	}
	opClaims.SystemAccount = sysPub
	resolver := &server.MemAccResolver{}
	for pub, claims := range map[string]string{accPub: accJWT, sysPub: sysJWT} {
		if err := resolver.Store(pub, claims); err != nil {
			t.Fatal(err)
		}
	}
	url := natsServer(t, ca, func(o *server.Options) {
		o.TrustedOperators = []*jwt.OperatorClaims{opClaims}
		o.SystemAccount = sysPub
		o.AccountResolver = resolver
	})
	caFile := writeCA(t, ca)
	_, bareSeed := userSeed(t)
	runAuthCases(t, []authCase{
		{name: "right creds", o: Options{URL: url, CAFile: caFile, Creds: secret.New(creds(account))}},
		{name: "unknown account", o: Options{URL: url, CAFile: caFile, Creds: secret.New(creds(stranger))}, wantErr: "authorization violation"},
		{name: "no credentials", o: Options{URL: url, CAFile: caFile}, wantErr: "authorization violation"},
		{name: "seed without JWT", o: Options{URL: url, CAFile: caFile, Creds: secret.New(bareSeed)}, wantErr: "creds"},
		{name: "garbage", o: Options{URL: url, CAFile: caFile, Creds: secret.New("-----BEGIN NATS USER JWT-----\nnope\n------END NATS USER JWT------\n")}, wantErr: "creds"},
	})
}

// Mutual TLS with verification: a client certificate from the CA relays;
// none, or one from another CA, is refused in the handshake.
func TestMutualTLS(t *testing.T) {
	ca := newTestCA(t)
	url := natsServer(t, ca, func(o *server.Options) {
		o.TLSVerify = true
		o.TLSConfig.ClientAuth = tls.RequireAndVerifyClientCert
		o.TLSConfig.ClientCAs = ca.Pool()
	})
	caFile := writeCA(t, ca)
	good, err := ca.IssueClient("parley")
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := newTestCA(t).IssueClient("parley")
	if err != nil {
		t.Fatal(err)
	}
	goodCert, goodKey := writeCert(t, good)
	foreignCert, foreignKey := writeCert(t, foreign)
	runAuthCases(t, []authCase{
		{name: "client certificate", o: Options{URL: url, CAFile: caFile, CertFile: goodCert, KeyFile: goodKey}},
		{name: "no client certificate", o: Options{URL: url, CAFile: caFile}, wantErr: "tls"},
		{name: "another CA's certificate", o: Options{URL: url, CAFile: caFile, CertFile: foreignCert, KeyFile: foreignKey}, wantErr: "tls"},
		{name: "key does not match", o: Options{URL: url, CAFile: caFile, CertFile: goodCert, KeyFile: foreignKey}, wantErr: "client certificate"},
	})
}

func newTestCA(t *testing.T) *tlsconf.CA {
	t.Helper()
	ca, err := tlsconf.NewCA("parley bus test CA")
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// FuzzParseTransport: any URL text gives a verdict or an error, never a
// panic, and an error never quotes a password the text carries.
func FuzzParseTransport(f *testing.F) {
	for _, s := range []string{"nats://127.0.0.1:4222", "tls://a:1,tls://b:2", "nats://u:pw@10.0.0.5", "ws://[::1]:80", "x", ",", "nats://[::1", "tls://h:1,nats://127.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tr, err := ParseTransport("nats://user:S3cretPW@" + raw)
		if err != nil {
			if strings.Contains(err.Error(), "S3cretPW") {
				t.Fatalf("error quotes the password: %v", err)
			}
			return
		}
		if tr.TLS && len(tr.Exposed) > 0 {
			t.Fatalf("TLS and exposed at once: %+v", tr)
		}
	})
}
