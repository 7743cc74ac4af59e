// Package rsakey hands out the RSA keys emulators sign with. A 2048-bit key
// takes a tenth of a second or more to generate (seconds on a loaded
// machine), and a sandbox or a test binary starts many emulators, each with
// several keys: generating them afresh on every start made key generation a
// tenth of start-up. So a process generates a small ring of keys once, on
// first need, and every later caller gets one of those.
//
// The keys stay 2048-bit RSA, as the platforms' own are: the official SDKs
// that check the emulators (sdkcheck) refuse shorter RS256 keys. Two keys
// taken one after the other are always distinct, so a rotation, or a
// second app, still gets a key that does not verify the first one's
// signatures; only after Ring takes does a key come round again.
package rsakey

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"sync/atomic"
)

// Bits is the size of every key, the platforms' own.
const Bits = 2048

// Ring is how many distinct keys a process makes at most.
const Ring = 8

var (
	next  atomic.Uint64
	slots [Ring]struct {
		once sync.Once
		key  *rsa.PrivateKey
	}
)

// Take returns the next key of the process's ring, generating it if this
// is its first use. Safe for concurrent use; the key is shared, so callers
// must not modify it (signing and verifying do not).
func Take() *rsa.PrivateKey {
	s := &slots[(next.Add(1)-1)%Ring]
	s.once.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, Bits)
		if err != nil {
			panic("rsakey: rsa key generation: " + err.Error()) // crypto/rand does not fail
		}
		s.key = k
	})
	return s.key
}
