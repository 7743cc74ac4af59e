package gateway

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/config"
	"parley/internal/tlsconf"
)

// TestShutdownCancelsStuckRequests: a request still waiting (on the store,
// the bus, anything) when the gateway shuts down has its context canceled
// within the shutdown budget, so a webhook answers 503 and the platform
// delivers again; one that ignores its context has its connection cut.
// Either way the shutdown ends instead of failing on its deadline.
func TestShutdownCancelsStuckRequests(t *testing.T) {
	ca, err := tlsconf.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}

	g := New(&config.Config{}, slog.New(slog.DiscardHandler))
	canceled := make(chan struct{})
	stuck := make(chan struct{})
	defer close(stuck)
	mux := http.NewServeMux()
	mux.HandleFunc("/waits", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		close(canceled)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/ignores", func(w http.ResponseWriter, r *http.Request) { <-stuck })
	srv, ln, err := serve(g, "127.0.0.1:0", certFile, keyFile, mux)
	if err != nil {
		t.Fatal(err)
	}
	g.public = srv
	client := tlsconf.HTTPClient(ca.Pool())
	results := make(chan string, 2)
	for _, path := range []string{"/waits", "/ignores"} {
		go func() {
			resp, err := client.Get("https://" + ln.Addr().String() + path)
			if err != nil {
				results <- path + ": cut"
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results <- path + ": " + resp.Status
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for g.requests.inFlight.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("requests never arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { g.shutdownHTTP(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("shutdown did not end")
	}
	select {
	case <-canceled:
	default:
		t.Fatal("the waiting request's context was never canceled")
	}
	got := map[string]bool{}
	for range 2 {
		select {
		case r := <-results:
			got[r] = true
		case <-time.After(30 * time.Second):
			t.Fatalf("a client never got an answer; so far %v", got)
		}
	}
	if !got["/waits: 503 Service Unavailable"] || !got["/ignores: cut"] {
		t.Errorf("answers = %v; want the waiting request answered 503 and the stuck one cut", got)
	}
}
