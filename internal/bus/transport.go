package bus

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"parley/internal/loopback"
	"parley/internal/tlsconf"
)

// ErrPlaintext is returned by Open for a nats:// URL that reaches a host
// other than loopback while Options.AllowPlaintext is false. Anyone on the
// path could read the bus's traffic (subjects, sizes, timing, a password in
// the URL) and drop, delay or replay events, so plaintext must be chosen,
// not stumbled into.
var ErrPlaintext = errors.New("bus: plaintext connection to NATS beyond loopback")

// Transport is how an external NATS URL is reached, read from its text
// without dialling.
type Transport struct {
	// TLS is true when every server is reached over TLS (tls:// or wss://).
	TLS bool
	// Exposed lists the hosts reached in plaintext that are not loopback.
	Exposed []string
}

// ParseTransport reads a NATS URL: one URL or a comma-separated list, as
// nats.Connect takes it (a URL without a scheme is nats://). Mixing TLS and
// plaintext schemes is an error, since nats.go would then use TLS for all of
// them, silently. Errors never quote the URL, which may carry credentials.
func ParseTransport(raw string) (Transport, error) {
	var t Transport
	tlsCount, n := 0, 0
	for i, s := range strings.Split(raw, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n++
		if !strings.Contains(s, "://") {
			s = "nats://" + s
		}
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return Transport{}, fmt.Errorf("server %d of the URL is not scheme://host:port", i+1)
		}
		switch strings.ToLower(u.Scheme) {
		case "tls", "wss":
			tlsCount++
		case "nats", "ws":
			if !loopback.Host(u.Hostname()) {
				t.Exposed = append(t.Exposed, u.Hostname())
			}
		default:
			return Transport{}, fmt.Errorf("server %d of the URL: scheme %q is not tls, nats, wss or ws", i+1, u.Scheme)
		}
	}
	if n == 0 {
		return Transport{}, errors.New("the URL names no server")
	}
	if tlsCount != 0 && tlsCount != n {
		return Transport{}, errors.New("the URL mixes TLS (tls://, wss://) and plaintext (nats://, ws://) servers; give every server a TLS scheme")
	}
	t.TLS = tlsCount == n
	return t, nil
}

// checkTransport refuses what Open must not do with o's URL: plaintext
// beyond loopback unless allowed, TLS material for a plaintext URL, two
// kinds of credentials at once.
func (o Options) checkTransport() (Transport, error) {
	t, err := ParseTransport(o.URL)
	if err != nil {
		return t, fmt.Errorf("bus: url: %w", err)
	}
	if len(t.Exposed) > 0 && !o.AllowPlaintext {
		return t, fmt.Errorf("%w (%s): use a tls:// URL with the NATS server's CA (config bus.ca_file) and client credentials, or, on a network you trust, set bus.allow_plaintext: true",
			ErrPlaintext, strings.Join(t.Exposed, ", "))
	}
	if !t.TLS && (o.CAFile != "" || o.CertFile != "" || o.KeyFile != "") {
		return t, errors.New("bus: a CA or client certificate is set but the URL is not tls://; use tls:// so that they are used")
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return t, errors.New("bus: a client certificate needs both its certificate and key files")
	}
	if !o.Creds.IsZero() && !o.NKeySeed.IsZero() {
		return t, errors.New("bus: creds and nkey seed are two ways to authenticate; give one")
	}
	return t, nil
}

// securityOptions turns o's TLS and credentials into connection options.
// Files are read here, once; errors name them but never quote their
// contents.
func (o Options) securityOptions(t Transport) ([]nats.Option, error) {
	var opts []nats.Option
	if t.TLS {
		roots := o.RootCAs
		if o.CAFile != "" {
			pool, err := tlsconf.PoolFromPEMFile(o.CAFile)
			if err != nil {
				return nil, fmt.Errorf("bus: ca file: %w", err)
			}
			roots = pool
		}
		cfg := tlsconf.Client(roots)
		if o.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("bus: client certificate %s with key %s: %w", o.CertFile, o.KeyFile, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		// Secure makes TLS mandatory: a server that offers none is refused
		// rather than spoken to in plaintext.
		opts = append(opts, nats.Secure(cfg))
	} else if !o.AllowPlaintext {
		// A server may advertise its cluster peers, which need not be on
		// loopback: plaintext is allowed here only to the URL's own hosts.
		opts = append(opts, nats.IgnoreDiscoveredServers())
	}
	switch {
	case !o.Creds.IsZero():
		opt, err := credsOption([]byte(o.Creds.Reveal()))
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	case !o.NKeySeed.IsZero():
		kp, err := nkeys.ParseDecoratedUserNKey([]byte(o.NKeySeed.Reveal()))
		if err != nil {
			return nil, fmt.Errorf("bus: nkey seed: want a user seed (SU…): %w", err)
		}
		pub, err := kp.PublicKey()
		if err != nil {
			return nil, fmt.Errorf("bus: nkey seed: %w", err)
		}
		opts = append(opts, nats.Nkey(pub, kp.Sign))
	}
	return opts, nil
}

// credsOption reads a NATS user credentials file's contents (the user JWT
// and its nkey seed, as nsc writes them) into an option that answers the
// server's challenge.
func credsOption(contents []byte) (nats.Option, error) {
	const want = "want a NATS user credentials (.creds) file holding the user JWT and its SU… seed"
	token, err := nkeys.ParseDecoratedJWT(contents)
	if err != nil {
		return nil, fmt.Errorf("bus: creds: %s", want)
	}
	if _, err := jwt.DecodeUserClaims(token); err != nil {
		return nil, fmt.Errorf("bus: creds: %s; its JWT does not decode as user claims", want)
	}
	kp, err := nkeys.ParseDecoratedUserNKey(contents)
	if err != nil {
		return nil, fmt.Errorf("bus: creds: %s: %w", want, err)
	}
	return nats.UserJWT(func() (string, error) { return token, nil }, kp.Sign), nil
}
