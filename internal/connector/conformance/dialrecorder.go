package conformance

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// DialRecorder is a TLS server (with httptest's certificate) that counts
// the TCP connections it accepts, so a test can prove that a URL the
// gateway refused was never even dialled.
type DialRecorder struct {
	*httptest.Server
	conns atomic.Int32
}

// NewDialRecorder serves h on addr ("127.0.0.1:0"), until the test ends.
// A test whose address cannot be bound is skipped.
func NewDialRecorder(t testing.TB, addr string, h http.Handler) *DialRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	r := &DialRecorder{Server: httptest.NewUnstartedServer(h)}
	r.Listener.Close()
	r.Listener = countingListener{Listener: ln, n: &r.conns}
	r.StartTLS()
	t.Cleanup(r.Close)
	return r
}

// Conns is the number of connections accepted so far.
func (r *DialRecorder) Conns() int { return int(r.conns.Load()) }

// Host is the server's host:port.
func (r *DialRecorder) Host() string { return r.Listener.Addr().String() }

type countingListener struct {
	net.Listener
	n *atomic.Int32
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}
