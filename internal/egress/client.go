package egress

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// maxRedirects is how many redirects a guarded client follows (net/http's
// default is 10; file hosts need one or two).
const maxRedirects = 5

// Dial timeouts of a guarded transport, as tlsconf's.
const (
	dialTimeout = 10 * time.Second
	keepAlive   = 30 * time.Second
)

// Client returns a client that sends every request, and every redirect,
// through Transport(base.Transport, p), and refuses redirects that leave
// the policy. base keeps its TLS settings and timeout; nil means
// http.DefaultClient.
func Client(base *http.Client, p Policy) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	return &http.Client{
		Transport: Transport(base.Transport, p),
		Timeout:   base.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("%w: more than %d redirects", ErrRefused, maxRedirects)
			}
			if err := p.Check(req.URL); err != nil {
				return fmt.Errorf("redirect: %w", err)
			}
			return nil
		},
	}
}

// Transport returns a round tripper that checks each request's URL against
// p before sending it. When base is an *http.Transport (as tlsconf's and
// httptest's are), it is cloned with a dialer that checks the resolved
// address of every connection, and without a proxy: a proxy would resolve
// the name itself, out of the guard's sight. Any other base gets the URL
// check only.
func Transport(base http.RoundTripper, p Policy) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if t, ok := base.(*http.Transport); ok {
		t = t.Clone()
		t.Proxy = nil
		d := &net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive, Control: p.control}
		t.DialContext = d.DialContext
		t.DialTLSContext = nil
		t.Dial, t.DialTLS = nil, nil // deprecated hooks that would dial around the guard
		base = t
	}
	return &guard{next: base, policy: p}
}

type guard struct {
	next   http.RoundTripper
	policy Policy
}

func (g *guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := g.policy.Check(r.URL); err != nil {
		if r.Body != nil {
			r.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, err
	}
	return g.next.RoundTrip(r)
}

// control runs after the name is resolved and before the connection is
// made: the one place that sees the address actually dialled.
func (p Policy) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read dialled address", ErrRefused)
	}
	if !p.addrAllowed(ap.Addr()) {
		return fmt.Errorf("%w: %s is not a public address", ErrRefused, ap.Addr().Unmap())
	}
	return nil
}
