package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strings"

	"parley/internal/loopback"
)

// Strong admin tokens: what an admin listener reachable from other machines
// requires, since anyone who can reach it may guess. The bar rejects what
// people type and what examples show, and accepts what a generator such as
// `openssl rand -base64 32` prints.
const (
	minAdminTokenLen  = 32
	minAdminTokenBits = 100
)

// placeholderWords mark a token copied from documentation or typed by a
// person; a random token of this length contains none of them.
var placeholderWords = []string{"changeme", "change-me", "password", "passw0rd", "secret", "example", "placeholder", "token", "admin", "parley", "letmein", "qwerty"}

// validateAdmin refuses an admin listener on an address other machines can
// reach unless it serves TLS and takes a strong token: the admin API reads
// every tenant's traffic log and metrics. On loopback the token is still
// required (Validate checks it) but may be shorter.
func (c *Config) validateAdmin() []error {
	var errs []error
	a := c.Admin
	if (a.CertFile == "") != (a.KeyFile == "") {
		errs = append(errs, errors.New("admin: cert_file and key_file go together"))
	}
	if loopback.ListenAddr(a.Listen) {
		return errs
	}
	if _, _, err := net.SplitHostPort(a.Listen); err != nil {
		return errs // Validate reports the address itself
	}
	exposed := fmt.Sprintf("admin.listen %q is reachable from other machines", a.Listen)
	if a.CertFile == "" && c.Public.CertFile == "" {
		errs = append(errs, fmt.Errorf("%s, so it must serve TLS: set admin.cert_file and admin.key_file (or public's, which it then shares), or listen on 127.0.0.1:8444", exposed))
	}
	if a.Token.Value.IsZero() {
		return errs // Validate reports the missing token
	}
	if why := weakToken(a.Token.Value.Reveal()); why != "" {
		errs = append(errs, fmt.Errorf("%s, so admin.token must be a strong credential, but it %s: generate one with `openssl rand -base64 32` and give it as env:NAME or file:/path, or listen on 127.0.0.1:8444", exposed, why))
	}
	return errs
}

// weakToken says why a token is too weak to guard a listener that others
// can reach, or returns "".
func weakToken(v string) string {
	if n := len([]rune(v)); n < minAdminTokenLen {
		return fmt.Sprintf("has %d characters, fewer than %d", n, minAdminTokenLen)
	}
	l := strings.ToLower(v)
	if isPlaceholder(v) {
		return "looks like a placeholder"
	}
	// A word carries no randomness, so it is what is left without the
	// words that must be strong. A random token may hold one by chance
	// ("token" or "admin" in base64, about one in 400,000 generated): the rest of it
	// still is.
	rest, found := l, ""
	for _, w := range placeholderWords {
		if strings.Contains(rest, w) {
			if found == "" {
				found = w
			}
			rest = strings.ReplaceAll(rest, w, "")
		}
	}
	if found != "" && tokenBits(rest) < minAdminTokenBits {
		return fmt.Sprintf("contains %q, so it looks like a placeholder or a chosen word", found)
	}
	if bits := tokenBits(v); bits < minAdminTokenBits {
		return fmt.Sprintf("is too predictable (about %.0f bits of randomness by a conservative estimate, fewer than %d)", bits, minAdminTokenBits)
	}
	return ""
}

// tokenBits estimates a token's randomness conservatively: the
// character-frequency (Shannon) entropy of the characters that carry news,
// times their count. A character carries none when it repeats or steps from
// the previous one (aaaa, abcd, 4321) or completes a three-character piece
// seen earlier (a repeated word or pattern). Random tokens lose a little to
// this; typed and patterned ones lose most.
func tokenBits(v string) float64 {
	rs := []rune(v)
	counts := map[rune]int{}
	kept := 0
	for i, r := range rs {
		if i > 0 {
			if d := r - rs[i-1]; d >= -1 && d <= 1 {
				continue
			}
		}
		if i >= 2 && strings.Contains(string(rs[:i]), string(rs[i-2:i+1])) {
			continue
		}
		counts[r]++
		kept++
	}
	var h float64
	for _, n := range counts {
		p := float64(n) / float64(kept)
		h -= p * math.Log2(p)
	}
	return h * float64(kept)
}
