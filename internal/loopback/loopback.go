// Package loopback decides, from an address's text alone, whether it stays
// on this machine. Parley relaxes a rule only for such addresses (plaintext
// to the bus, an admin listener without TLS), so the decision never resolves
// a name: a name other than "localhost" may resolve anywhere, today or
// tomorrow, and is treated as reaching the network.
package loopback

import (
	"net"
	"net/netip"
	"strings"
)

// Host reports whether host — "localhost", an IP literal (IPv6 with or
// without brackets) — is a loopback address: 127.0.0.0/8 or ::1. Every
// other name, and an empty host, is not.
func Host(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// ListenAddr reports whether a listener on addr (host:port) accepts
// connections from this machine only. An empty host, 0.0.0.0 and :: listen
// on every interface, so they are not loopback.
func ListenAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && Host(host)
}
