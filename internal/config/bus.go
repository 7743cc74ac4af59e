package config

import (
	"errors"
	"fmt"
	"strings"

	"parley/internal/bus"
)

// validateBus checks the external bus settings: TLS to any host but
// loopback unless plaintext is chosen explicitly, and TLS material and
// credentials only where they are used. The bus enforces the same at
// Open; checking here lets `parley config check` say so first.
func (c *Config) validateBus() []error {
	b := c.Bus
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	external := b.CAFile != "" || b.CertFile != "" || b.KeyFile != "" || !b.Creds.Value.IsZero() || !b.NKeySeed.Value.IsZero()
	if b.URL == "" {
		if external {
			add("bus: ca_file, cert_file, key_file, creds and nkey_seed are for an external NATS; set bus.url, or remove them to use the embedded bus (which has no network listener)")
		}
		return errs
	}
	t, err := bus.ParseTransport(b.URL)
	if err != nil {
		return append(errs, fmt.Errorf("bus.url: %w", err))
	}
	if len(t.Exposed) > 0 && !b.AllowPlaintext {
		add("bus.url: nats:// to %s (not loopback) sends the bus's traffic unencrypted, to a server nobody verifies: use tls://host:4222 with bus.ca_file and client credentials (bus.creds, bus.nkey_seed or bus.cert_file/key_file), or set bus.allow_plaintext: true if the network to NATS is trusted",
			strings.Join(t.Exposed, ", "))
	}
	if !t.TLS && (b.CAFile != "" || b.CertFile != "" || b.KeyFile != "") {
		add("bus: ca_file, cert_file and key_file need a tls:// bus.url")
	}
	if (b.CertFile == "") != (b.KeyFile == "") {
		add("bus: cert_file and key_file go together")
	}
	if !b.Creds.Value.IsZero() && !b.NKeySeed.Value.IsZero() {
		errs = append(errs, errors.New("bus: creds and nkey_seed are two ways to authenticate; give one"))
	}
	return errs
}
