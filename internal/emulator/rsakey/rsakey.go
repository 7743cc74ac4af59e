// Package rsakey hands out the RSA keys emulators sign with. A 2048-bit key
// takes a tenth of a second or more to generate (seconds on a loaded
// machine), and a sandbox or a test binary starts many emulators, each with
// several keys: generating them afresh on every start made key generation a
// tenth of start-up. So a process generates a small ring of keys once, on
// first need, and every later caller gets one of those.
//
// When the environment names a directory in CacheEnv, the ring is kept
// there (one PKCS#8 file per key, mode 0600), so that a run of many test
// binaries or sandboxes generates it once in all. These are emulators'
// keys, never a real platform's or Parley's own.
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
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Bits is the size of every key, the platforms' own.
const Bits = 2048

// Ring is how many distinct keys a process makes at most.
const Ring = 8

// CacheEnv names the environment variable that may point at a directory
// where the ring is kept between processes.
const CacheEnv = "PARLEY_EMULATOR_KEY_CACHE"

var (
	next  atomic.Uint64
	slots [Ring]struct {
		once sync.Once
		key  *rsa.PrivateKey
	}
)

// Take returns the next key of the process's ring, loading or generating
// it if this is its first use. Safe for concurrent use; the key is
// shared, so callers must not modify it (signing and verifying do not).
func Take() *rsa.PrivateKey {
	i := (next.Add(1) - 1) % Ring
	s := &slots[i]
	s.once.Do(func() { s.key = load(os.Getenv(CacheEnv), int(i)) })
	return s.key
}

// load returns key i from the cache directory dir, or a new one (stored
// there when dir is set). A cache that cannot be read or written is
// ignored: the key is then generated, as without a cache.
func load(dir string, i int) *rsa.PrivateKey {
	var path string
	if dir != "" {
		path = filepath.Join(dir, fmt.Sprintf("emulator-rsa-%d-%d.pem", Bits, i))
		if k, err := read(path); err == nil {
			return k
		}
	}
	k, err := rsa.GenerateKey(rand.Reader, Bits)
	if err != nil {
		panic("rsakey: rsa key generation: " + err.Error()) // crypto/rand does not fail
	}
	if path != "" {
		_ = write(path, k)
	}
	return k
}

func read(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: not PEM", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	k, ok := parsed.(*rsa.PrivateKey)
	if !ok || k.N.BitLen() != Bits {
		return nil, fmt.Errorf("%s: not a %d-bit RSA key", path, Bits)
	}
	return k, nil
}

// write stores k at path through a temporary file and a rename, so that
// processes sharing the directory never read half a key.
func write(path string, k *rsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".emulator-rsa-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // gone after the rename; cleans up after a failure
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
