package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options configures Open. The zero value of every field but DataDir (or
// URL) has a working default.
type Options struct {
	// DataDir holds the embedded server's JetStream store, in
	// DataDir/jetstream (mode 0700). Required unless URL is set.
	DataDir string
	// URL, when set, connects to an external NATS server or cluster (for
	// example "nats://127.0.0.1:4222", or "tls://…" to use Parley's TLS
	// policy) instead of starting the embedded server. It may carry
	// credentials, so it is never logged.
	URL string
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
