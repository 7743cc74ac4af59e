// Package tlsconf is the one place that says how Parley does TLS: TLS 1.2 at
// least, TLS 1.3 preferred, AEAD cipher suites with forward secrecy only, and
// certificates always verified. Every listener and every outbound client gets
// its *tls.Config from here, so a policy change is a change to this package
// alone.
//
// It also holds a throw-away certificate authority (CA) that the sandbox and
// tests use to serve TLS on loopback without ever turning verification off.
package tlsconf
