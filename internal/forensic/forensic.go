// Package forensic looks at a data directory the way someone holding a copy
// of it would: every byte of every file (the database, its -wal and -shm,
// the bus store, the key file), read raw. Tests use it to prove that what
// Parley deletes is gone from disk and that what it shreds cannot be
// opened with anything left there.
//
// It re-implements the vault's documented formats on purpose, as an
// attacker reading the source would, rather than calling the vault: a test
// that asks the vault whether the vault's data is safe proves little. Each
// test that uses it must also show a positive control (a value that is
// still meant to open does open), so that a change of format cannot make
// "nothing opens" pass vacuously.
package forensic

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is one file of a data directory, read whole.
type File struct {
	Path string
	Data []byte
}

// Read returns every regular file under dir.
func Read(dir string) ([]File, error) {
	var out []File
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, File{Path: path, Data: b})
		return nil
	})
	return out, err
}

// Window is the length of the runs Find looks for: long enough that a
// random match is out of the question (2^-96 per pair of positions), short
// enough to catch any fragment of a row, however the pages cut it up.
const Window = 12

// Hit is a fragment of a secret found on disk.
type Hit struct {
	Path   string
	Offset int
	Secret int // index into the secrets given to Find
}

func (h Hit) String() string { return fmt.Sprintf("%s@%d: secret %d", h.Path, h.Offset, h.Secret) }

// Find reports where a Window-byte run of any of secrets occurs in files;
// none means no fragment of them is on disk.
func Find(files []File, secrets ...[]byte) []Hit {
	runs := map[string]int{}
	for n, secret := range secrets {
		for i := 0; i+Window <= len(secret); i++ {
			runs[string(secret[i:i+Window])] = n
		}
	}
	var hits []Hit
	for _, f := range files {
		for at := 0; at+Window <= len(f.Data); at++ {
			if n, ok := runs[string(f.Data[at:at+Window])]; ok {
				hits = append(hits, Hit{f.Path, at, n})
			}
		}
	}
	return hits
}

// Missing returns the indexes of the secrets of which Find found nothing.
func Missing(files []File, secrets ...[]byte) []int {
	found := map[int]bool{}
	for _, h := range Find(files, secrets...) {
		found[h.Secret] = true
	}
	var out []int
	for n := range secrets {
		if !found[n] {
			out = append(out, n)
		}
	}
	return out
}

const keyLen = 32

// Keys gathers every candidate 256-bit key the files hold: each 32-byte
// window of each file (a key written raw), each 32-byte base64 value of a
// JSON file (a key file), and each key that one of those unwraps from any
// window of any file with the key file's wrapping (AES-256-GCM, 12-byte
// nonce, associated data "parley-kek:" + the version's name).
func Keys(files []File) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	add := func(k []byte) {
		if len(k) == keyLen && !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, bytes.Clone(k))
		}
	}
	type kek struct {
		id   string
		aead cipher.AEAD
	}
	var keks []kek
	for _, f := range files {
		for id, k := range jsonKeys(f.Data) {
			add(k)
			if aead, err := gcm(k); err == nil {
				keks = append(keks, kek{id, aead})
			}
		}
	}
	for _, f := range files {
		for i := 0; i+keyLen <= len(f.Data); i++ {
			add(f.Data[i : i+keyLen])
		}
	}
	// A wrapped key is nonce (12) + ciphertext (32) + tag (16).
	const wrappedLen = 12 + keyLen + 16
	for _, k := range keks {
		ad := []byte("parley-kek:" + k.id)
		for _, f := range files {
			for i := 0; i+wrappedLen <= len(f.Data); i++ {
				w := f.Data[i : i+wrappedLen]
				if plain, err := k.aead.Open(nil, w[:12], w[12:], ad); err == nil {
					add(plain)
				}
			}
		}
	}
	return out
}

// jsonKeys returns the 32-byte base64 strings of a JSON document, by the
// name of the member holding them ("file-1", "pseudonym").
func jsonKeys(b []byte) map[string][]byte {
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	out := map[string][]byte{}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(name, e)
			}
		case string:
			if k, err := base64.StdEncoding.DecodeString(v); err == nil && len(k) == keyLen {
				out[name] = k
			}
		}
	}
	walk("", doc)
	return out
}

// Opens reports whether any of keys opens sealed, a value the vault sealed
// for tenant with associated data aad: version byte 1, 12-byte nonce, then
// AES-256-GCM over the data with associated data "parley-seal-v1" followed
// by the length-prefixed tenant and aad.
func Opens(keys [][]byte, tenant string, sealed, aad []byte) bool {
	if len(sealed) < 1+12+16 || sealed[0] != 1 {
		return false
	}
	ad := []byte("parley-seal-v1")
	for _, p := range []string{tenant, string(aad)} {
		ad = binary.AppendUvarint(ad, uint64(len(p)))
		ad = append(ad, p...)
	}
	for _, k := range keys {
		aead, err := gcm(k)
		if err != nil {
			continue
		}
		if _, err := aead.Open(nil, sealed[1:13], sealed[13:], ad); err == nil {
			return true
		}
	}
	return false
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
