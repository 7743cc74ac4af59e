// Package ids makes the emulators' identifiers and secrets: random strings
// over a platform's alphabet, drawn from crypto/rand so that tokens,
// upload URLs and IDs are as unguessable as real ones; UUIDs; a Set that
// keeps IDs unique within an emulator; and Increasing, for the IDs that
// are times (Slack's ts, Teams' message IDs). What an ID looks like — its
// prefix, length, alphabet — is the platform's, passed in.
package ids

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/google/uuid"
)

// Alphabets the platforms' IDs are made of.
const (
	Digits     = "0123456789"
	Upper      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	Lower      = "abcdefghijklmnopqrstuvwxyz"
	UpperAlnum = Digits + Upper
	LowerAlnum = Lower + Digits
	Alnum      = Upper + Lower + Digits
	// URLSafe is the base64url alphabet.
	URLSafe = Alnum + "-_"
)

// String returns n characters drawn uniformly from alphabet (at most 256
// characters).
func String(alphabet string, n int) string {
	return stringFrom(alphabet, n, func(b []byte) { _, _ = rand.Read(b) }) // never fails since Go 1.24
}

// stringFrom is String with its randomness given. Bytes at or past the
// largest multiple of len(alphabet) are drawn again, so that every
// character is equally likely (a plain modulo favours the first ones).
func stringFrom(alphabet string, n int, read func([]byte)) string {
	if len(alphabet) == 0 || len(alphabet) > 256 {
		panic("ids: an alphabet has 1 to 256 characters")
	}
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		read(buf)
		for _, v := range buf {
			if int(v) < limit && len(out) < n {
				out = append(out, alphabet[int(v)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// Hex returns nBytes random bytes in lowercase hex.
func Hex(nBytes int) string {
	b := make([]byte, nBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UUID returns a random (version 4) UUID, lowercase with hyphens: the form
// of Entra and Webex IDs.
func UUID() string { return uuid.NewString() }

// Set keeps IDs unique within an emulator. The zero value is ready. It is
// not safe for concurrent use: the emulator's lock guards it, so that the
// check and the insert are one step.
type Set struct{ seen map[string]struct{} }

// New calls gen until it makes an ID not handed out before, and returns it.
func (s *Set) New(gen func() string) string {
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	for {
		id := gen()
		if _, dup := s.seen[id]; !dup {
			s.seen[id] = struct{}{}
			return id
		}
	}
}

// Increasing hands out strictly increasing numbers taken from a clock: an
// ID that is a creation time (Slack's ts in microseconds, Teams' message
// IDs in milliseconds) and must still be unique when two are made in the
// same tick. The zero value is ready; the emulator's lock guards it.
type Increasing struct{ last int64 }

// Next returns now, or one more than the last number if now is not past
// it.
func (s *Increasing) Next(now int64) int64 {
	if now <= s.last {
		now = s.last + 1
	}
	s.last = now
	return now
}
