package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Limits of the embedded JetStream, sized for a laptop. Events are small
// sealed envelopes that leave the bus within seconds, so the store holds a
// backlog, not an archive.
const (
	embeddedMaxMemory = 64 << 20 // 64 MiB
	embeddedMaxStore  = 1 << 30  // 1 GiB
	embeddedReadyWait = 10 * time.Second
)

// startEmbedded starts an in-process NATS server with JetStream and no
// network listener: no client port, no cluster port, no monitoring port.
// Clients reach it only through nats.InProcessServer.
func startEmbedded(o Options) (*server.Server, error) {
	// The server puts its store in StoreDir/jetstream; creating that first
	// fixes the mode, since the server itself would use 0750.
	store := filepath.Join(o.DataDir, "jetstream")
	if err := os.MkdirAll(store, 0o700); err != nil {
		return nil, fmt.Errorf("bus: create store directory: %w", err)
	}
	if err := os.Chmod(store, 0o700); err != nil {
		return nil, fmt.Errorf("bus: restrict store directory: %w", err)
	}
	srv, err := server.NewServer(&server.Options{
		ServerName:         "parley-embedded",
		DontListen:         true,
		JetStream:          true,
		StoreDir:           o.DataDir,
		JetStreamMaxMemory: embeddedMaxMemory,
		JetStreamMaxStore:  embeddedMaxStore,
		// The process owns signals; the server must not react to them.
		NoSigs: true,
		NoLog:  true,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: configure embedded server: %w", err)
	}
	srv.SetLoggerV2(serverLog{o.Logger}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(embeddedReadyWait) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("bus: embedded server not ready within %s (is %s writable and not used by another process?)", embeddedReadyWait, store)
	}
	if !srv.JetStreamEnabled() {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, errors.New("bus: embedded server started without JetStream; check that the store directory is writable")
	}
	return srv, nil
}

// serverLog routes the embedded server's warnings and errors to slog and
// drops its notices, debug and trace lines: normal operation is silent, and
// trace is the only server log that could carry a payload.
type serverLog struct{ l *slog.Logger }

var _ server.Logger = serverLog{}

func (serverLog) Noticef(string, ...any) {}
func (serverLog) Debugf(string, ...any)  {}
func (serverLog) Tracef(string, ...any)  {}

func (s serverLog) Warnf(format string, v ...any) {
	s.l.Warn("embedded nats server", "detail", fmt.Sprintf(format, v...))
}

func (s serverLog) Errorf(format string, v ...any) {
	s.l.Error("embedded nats server", "detail", fmt.Sprintf(format, v...))
}

// Fatalf logs only: library code never exits the process. The server stops
// itself after a fatal condition, and the bus then reports errors.
func (s serverLog) Fatalf(format string, v ...any) {
	s.l.Error("embedded nats server fatal", "detail", fmt.Sprintf(format, v...))
}
