package egress

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// ErrRefused marks a request the guard did not let out. Callers treat it
// as permanent: retrying the same URL cannot succeed.
var ErrRefused = errors.New("egress refused")

// Policy says where guarded requests may go.
type Policy struct {
	// Hosts are the allowed hosts: "files.slack.com" (any port),
	// "127.0.0.1:8443" (that port only) or "*.sharepoint.com" (any
	// subdomain, not the domain itself). Matching ignores case.
	Hosts []string
	// AllowPrivate lets requests reach private, loopback, link-local and
	// other non-public addresses. Only for the sandbox and tests, where
	// every platform is on 127.0.0.1.
	AllowPrivate bool
	// AllowPrefixes are non-public ranges that may be reached even without
	// AllowPrivate (a file mirror inside the network, or one test server).
	AllowPrefixes []netip.Prefix
}

// ValidateHost reports whether a host pattern has a shape Policy.Hosts
// understands, so configuration can name a bad entry at start.
func ValidateHost(pattern string) error {
	p := strings.TrimPrefix(pattern, "*.")
	if p == "" || strings.ContainsAny(p, "/@?#* \t") {
		return fmt.Errorf("%q is not a host, host:port or *.domain", pattern)
	}
	if strings.HasPrefix(pattern, "*.") && strings.Contains(p, ":") {
		return fmt.Errorf("%q: a *.domain pattern takes no port", pattern)
	}
	return nil
}

// Check reports whether u may be requested: https, no user info, an
// allowed host, and (for an IP literal) an address the policy allows. The
// error names the host, never the path or query, which may carry names
// and credentials.
func (p Policy) Check(u *url.URL) error {
	if u == nil || u.Scheme != "https" {
		return fmt.Errorf("%w: not an https URL", ErrRefused)
	}
	if u.User != nil {
		return fmt.Errorf("%w: URL carries user info", ErrRefused)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return fmt.Errorf("%w: URL has no host", ErrRefused)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	if !p.hostAllowed(host, port) {
		return fmt.Errorf("%w: host %s is not an allowed file host", ErrRefused, hostPort(host, u.Port()))
	}
	if a, err := netip.ParseAddr(host); err == nil && !p.addrAllowed(a) {
		return fmt.Errorf("%w: %s is not a public address", ErrRefused, host)
	}
	return nil
}

func (p Policy) hostAllowed(host, port string) bool {
	for _, pat := range p.Hosts {
		pat = strings.ToLower(strings.TrimSpace(pat))
		if suffix, ok := strings.CutPrefix(pat, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if h, pt, err := net.SplitHostPort(pat); err == nil {
			if strings.Trim(h, "[]") == host && pt == port {
				return true
			}
			continue
		}
		if strings.Trim(pat, "[]") == host {
			return true
		}
	}
	return false
}

func (p Policy) addrAllowed(a netip.Addr) bool {
	a = a.Unmap()
	if p.AllowPrivate || public(a) {
		return true
	}
	for _, pre := range p.AllowPrefixes {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

func hostPort(host, port string) string {
	if port == "" {
		return host
	}
	return net.JoinHostPort(host, port)
}
