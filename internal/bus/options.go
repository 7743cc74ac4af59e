package bus

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"parley/internal/secret"
)

// Options configures Open. The zero value of every field but DataDir (or
// URL) has a working default.
type Options struct {
	// DataDir holds the embedded server's JetStream store, in
	// DataDir/jetstream (mode 0700). Required unless URL is set.
	DataDir string
	// URL, when set, connects to an external NATS server or cluster
	// ("tls://nats.example.com:4222", or a comma-separated list) instead of
	// starting the embedded server. A tls:// URL gets Parley's TLS policy
	// and verifies the server; nats:// (plaintext) is refused to any host
	// but loopback unless AllowPlaintext. It may carry credentials, so it
	// is never logged.
	URL string
	// CAFile holds the PEM CA certificates trusted for a tls:// URL;
	// empty: RootCAs.
	CAFile string
	// RootCAs are trusted for a tls:// URL when CAFile is empty; nil: the
	// system roots.
	RootCAs *x509.CertPool
	// CertFile and KeyFile are a PEM client certificate and its key,
	// presented for mutual TLS.
	CertFile, KeyFile string
	// Creds is the contents of a NATS user credentials (.creds) file: the
	// user JWT and its nkey seed.
	Creds secret.Secret
	// NKeySeed is a NATS user nkey seed (SU…), for a server that lists
	// nkeys rather than JWTs. At most one of Creds and NKeySeed.
	NKeySeed secret.Secret
	// AllowPlaintext permits a nats:// URL to a host that is not loopback.
	AllowPlaintext bool
	// Stream names the JetStream stream and is the first token of every
	// subject. Default "PARLEY_EVENTS". Nodes sharing a cluster share it.
	Stream string
	// MaxAge bounds how long any message may stay on the bus. Default 24h.
	MaxAge time.Duration
	// AckWait is how long a delivery may stay unacknowledged, without
	// InProgress, before it is delivered again. Default 30s.
	AckWait time.Duration
	// Replicas is the number of copies of each message a NATS cluster keeps.
	// Default 1; the embedded server accepts only 1.
	Replicas int
	// Logger receives the bus's warnings (never payloads). Default
	// slog.Default().
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultStream  = "PARLEY_EVENTS"
	DefaultMaxAge  = 24 * time.Hour
	DefaultAckWait = 30 * time.Second
)

// dedupeWindow is how long JetStream remembers a Nats-Msg-Id. It covers a
// connector's retries after a crash or a platform's redelivery burst.
const dedupeWindow = 10 * time.Minute

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	if o.URL == "" && o.DataDir == "" {
		return o, errors.New("bus: options: DataDir is required for the embedded server (or set URL for an external NATS)")
	}
	if o.URL == "" && (o.CAFile != "" || o.CertFile != "" || o.KeyFile != "" || !o.Creds.IsZero() || !o.NKeySeed.IsZero()) {
		return o, errors.New("bus: options: a CA, client certificate or credentials are set but there is no URL; the embedded server has no network listener to use them on")
	}
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if err := validStream(o.Stream); err != nil {
		return o, fmt.Errorf("bus: options: stream: %w", err)
	}
	if o.MaxAge < 0 || o.AckWait < 0 || o.Replicas < 0 {
		return o, errors.New("bus: options: MaxAge, AckWait and Replicas must not be negative")
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.AckWait == 0 {
		o.AckWait = DefaultAckWait
	}
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.URL == "" && o.Replicas != 1 {
		return o, fmt.Errorf("bus: options: Replicas is %d but the embedded server keeps one copy; set URL for a cluster", o.Replicas)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// duplicates returns the dedupe window, which JetStream requires to be no
// longer than MaxAge.
func (o Options) duplicates() time.Duration {
	return min(dedupeWindow, o.MaxAge)
}
