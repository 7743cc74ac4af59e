// Package secret holds values that must never be printed: tokens, signing
// secrets, keys. A Secret formats as "[redacted]" through fmt, slog and
// encoding/json, so it cannot leak by accident into a log or an error.
package secret

import (
	"log/slog"
)

// Secret is a sensitive string. Reveal it only at the point of use.
type Secret struct{ v string }

// New wraps s.
func New(s string) Secret { return Secret{v: s} }

// Reveal returns the secret value. Call it only where the value is used on
// the wire or in a cryptographic operation.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether no secret was given.
func (s Secret) IsZero() bool { return s.v == "" }

const redacted = "[redacted]"

// String hides the value from fmt.
func (s Secret) String() string { return redacted }

// GoString hides the value from %#v.
func (s Secret) GoString() string { return redacted }

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON hides the value from encoding/json; secrets are persisted only
// through the vault, never by marshalling.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText hides the value from text encoders such as YAML.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
