package bus

import (
	"fmt"
	"strings"

	"parley/internal/core"
)

// maxTokenLen keeps subjects short; tenant and lane tokens are IDs or keyed
// hashes, far shorter than this.
const maxTokenLen = 128

// ValidToken reports whether s can be one token of a subject: non-empty, at
// most 128 bytes of printable ASCII, without '.', '*' or '>' (which would
// change the subject's structure or make it a wildcard).
func ValidToken(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrInvalidToken)
	}
	if len(s) > maxTokenLen {
		return fmt.Errorf("%w: %d bytes, at most %d allowed", ErrInvalidToken, len(s), maxTokenLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return fmt.Errorf("%w: byte %d is whitespace, a control or non-ASCII character", ErrInvalidToken, i)
		case c == '.' || c == '*' || c == '>':
			return fmt.Errorf("%w: byte %d is %q", ErrInvalidToken, i, c)
		}
	}
	return nil
}

// validStream checks a stream name, which is also the first subject token:
// a token that JetStream accepts as a name, so no '/' or '\' either.
func validStream(s string) error {
	if err := ValidToken(s); err != nil {
		return err
	}
	if strings.ContainsAny(s, `/\`) {
		return fmt.Errorf("%w: a stream name cannot hold '/' or '\\'", ErrInvalidToken)
	}
	return nil
}

// subject returns "<stream>.<tenant>.<lane>".
func subject(stream string, tenant core.TenantID, lane string) (string, error) {
	if err := ValidToken(string(tenant)); err != nil {
		return "", fmt.Errorf("tenant: %w", err)
	}
	if err := ValidToken(lane); err != nil {
		return "", fmt.Errorf("lane: %w", err)
	}
	return stream + "." + string(tenant) + "." + lane, nil
}

// parseSubject is subject's inverse. The subject comes from the NATS server,
// which on an external cluster anyone with publish rights can write to, so it
// is outside input and checked as strictly as on the way in.
func parseSubject(stream, subj string) (core.TenantID, string, error) {
	rest, ok := strings.CutPrefix(subj, stream+".")
	if !ok {
		return "", "", fmt.Errorf("%w: subject outside stream %s", ErrInvalidToken, stream)
	}
	tenant, lane, ok := strings.Cut(rest, ".")
	if !ok {
		return "", "", fmt.Errorf("%w: subject has no lane", ErrInvalidToken)
	}
	if err := ValidToken(tenant); err != nil {
		return "", "", fmt.Errorf("tenant: %w", err)
	}
	if err := ValidToken(lane); err != nil {
		return "", "", fmt.Errorf("lane: %w", err)
	}
	return core.TenantID(tenant), lane, nil
}
