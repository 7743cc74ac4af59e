package config

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"parley/internal/secret"
)

// SecretRef is a secret given in the config: "env:NAME" reads the
// environment variable NAME, "file:/path" reads a file (trailing newline
// trimmed), anything else is an inline value.
type SecretRef struct {
	Value secret.Secret
	// Ref is the reference as written ("env:NAME"), empty for inline values,
	// so the config can be printed without the secret.
	Ref    string
	inline bool
}

// Inline reports whether the secret was written into the file itself.
func (s SecretRef) Inline() bool { return s.inline }

// UnmarshalYAML resolves the reference.
func (s *SecretRef) UnmarshalYAML(n *yaml.Node) error {
	var raw string
	if err := n.Decode(&raw); err != nil {
		return fmt.Errorf("line %d: a secret must be a string such as env:NAME: %w", n.Line, err)
	}
	r, err := ResolveSecret(raw)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*s = r
	return nil
}

// ResolveSecret resolves one reference.
func ResolveSecret(raw string) (SecretRef, error) {
	switch {
	case raw == "":
		return SecretRef{}, nil
	case strings.HasPrefix(raw, "env:"):
		name := strings.TrimPrefix(raw, "env:")
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			return SecretRef{}, fmt.Errorf("secret %s: environment variable %s is not set", raw, name)
		}
		return SecretRef{Value: secret.New(v), Ref: raw}, nil
	case strings.HasPrefix(raw, "file:"):
		path := strings.TrimPrefix(raw, "file:")
		b, err := os.ReadFile(path)
		if err != nil {
			return SecretRef{}, fmt.Errorf("secret %s: %w", raw, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return SecretRef{}, fmt.Errorf("secret %s: the file is empty", raw)
		}
		return SecretRef{Value: secret.New(v), Ref: raw}, nil
	default:
		return SecretRef{Value: secret.New(raw), inline: true}, nil
	}
}

// MarshalYAML writes the reference back, never the value.
func (s SecretRef) MarshalYAML() (any, error) {
	if s.inline {
		return "[redacted]", nil
	}
	return s.Ref, nil
}
