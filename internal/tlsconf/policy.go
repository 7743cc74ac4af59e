package tlsconf

import "crypto/tls"

// minVersion is the oldest protocol we speak. TLS 1.3 is negotiated whenever
// the peer supports it because crypto/tls prefers the highest common version.
const minVersion = tls.VersionTLS12

// cipherSuites lists the TLS 1.2 suites we accept: ECDHE for forward secrecy,
// AES-GCM or ChaCha20-Poly1305 for authenticated encryption. CBC and RSA key
// exchange suites are absent on purpose. TLS 1.3 suites are not configurable
// in crypto/tls and are all AEAD.
var cipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// curves limits key exchange to X25519 and P-256. The hybrid post-quantum
// exchanges built on them are kept so that a peer that supports them gets the
// strongest exchange both sides know; an explicit list would otherwise drop
// them.
var curves = []tls.CurveID{
	tls.X25519MLKEM768,
	tls.SecP256r1MLKEM768,
	tls.X25519,
	tls.CurveP256,
}

// base returns a fresh config carrying the policy. A new slice per config
// keeps a caller that edits its copy from changing everyone else's.
func base() *tls.Config {
	return &tls.Config{
		MinVersion:       minVersion,
		CipherSuites:     append([]uint16(nil), cipherSuites...),
		CurvePreferences: append([]tls.CurveID(nil), curves...),
	}
}
