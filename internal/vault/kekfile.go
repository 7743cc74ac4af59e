package vault

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// keyFile is the JSON layout of a KEK file. Versions are never removed by
// rotation, so a key wrapped years ago still unwraps.
type keyFile struct {
	Primary string            `json:"primary"`
	Keys    map[string][]byte `json:"keys"`
	// Pseudonym keys the deployment-wide hash used for IDs in logs and
	// metrics. It lives here, not in the database, so a database copy alone
	// cannot reverse pseudonyms by guessing IDs.
	Pseudonym []byte `json:"pseudonym"`
}

const keyLen = 32

// fileKEK is the local key-file KEK.
type fileKEK struct {
	path string

	mu sync.RWMutex // guards kf
	kf keyFile
}

var (
	_ KEK            = (*fileKEK)(nil)
	_ PseudonymKeyer = (*fileKEK)(nil)
)

// openKEKFile opens the key file at path, creating it if absent.
func openKEKFile(path string) (*fileKEK, error) {
	kf, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		kf, err = createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("open kek file: %w", err)
	}
	return &fileKEK{path: path, kf: kf}, nil
}

func (k *fileKEK) ID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.kf.Primary
}

func (k *fileKEK) PseudonymKey() []byte {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.kf.Pseudonym
}

// Wrap re-reads the key file first: wrapping is rare (a tenant's first
// key, a rotation), and a gateway that started before `parley keys rotate`
// must not go on wrapping new keys under a version about to be retired.
func (k *fileKEK) Wrap(_ context.Context, plaintext []byte) (string, []byte, error) {
	kf, err := readKeyFile(k.path)
	if err != nil {
		return "", nil, fmt.Errorf("wrap: reload key file: %w", err)
	}
	k.mu.Lock()
	k.kf = kf
	k.mu.Unlock()
	return k.wrap(plaintext)
}

// wrap wraps under the primary version as last read.
func (k *fileKEK) wrap(plaintext []byte) (string, []byte, error) {
	k.mu.RLock()
	id, key := k.kf.Primary, k.kf.Keys[k.kf.Primary]
	k.mu.RUnlock()
	aead, err := newGCM(key)
	if err != nil {
		return "", nil, fmt.Errorf("wrap: %w", err)
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("wrap: %w", err)
	}
	return id, aead.Seal(nonce, nonce, plaintext, []byte("parley-kek:"+id)), nil
}

func (k *fileKEK) Unwrap(_ context.Context, kekID string, wrapped []byte) ([]byte, error) {
	key, err := k.version(kekID)
	if err != nil {
		return nil, fmt.Errorf("unwrap: %w", err)
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, fmt.Errorf("unwrap: %w", err)
	}
	if len(wrapped) < aead.NonceSize() {
		return nil, errors.New("unwrap: wrapped key too short")
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, wrapped[:n], wrapped[n:], []byte("parley-kek:"+kekID))
	if err != nil {
		return nil, fmt.Errorf("unwrap %s: %w", kekID, err)
	}
	return plain, nil
}

// version returns the key of version id, re-reading the file once if the
// version is unknown (another process may have rotated).
func (k *fileKEK) version(id string) ([]byte, error) {
	k.mu.RLock()
	key, ok := k.kf.Keys[id]
	k.mu.RUnlock()
	if ok {
		return key, nil
	}
	kf, err := readKeyFile(k.path)
	if err != nil {
		return nil, fmt.Errorf("reload key file: %w", err)
	}
	k.mu.Lock()
	k.kf = kf
	k.mu.Unlock()
	if key, ok := kf.Keys[id]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("%q: %w", id, ErrUnknownKEK)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// readKeyFile reads and checks a key file, refusing one that group or
// others can access: a KEK readable by other accounts is no KEK.
func readKeyFile(path string) (keyFile, error) {
	info, err := os.Stat(path)
	if err != nil {
		return keyFile{}, err
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return keyFile{}, fmt.Errorf("%s has mode %o; run chmod 600 on it: %w", path, info.Mode().Perm(), ErrKEKFileMode)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return keyFile{}, err
	}
	kf, err := parseKeyFile(b)
	if err != nil {
		return keyFile{}, fmt.Errorf("%s: %w", path, err)
	}
	return kf, nil
}

// parseKeyFile decodes and checks a key file's bytes. Unknown fields are
// refused, so a typo is not silently ignored.
func parseKeyFile(b []byte) (keyFile, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return keyFile{}, fmt.Errorf("malformed key file: %w", err)
	}
	if dec.More() {
		return keyFile{}, errors.New("malformed key file: trailing data")
	}
	if err := kf.validate(); err != nil {
		return keyFile{}, err
	}
	return kf, nil
}

func (kf keyFile) validate() error {
	if _, ok := kf.Keys[kf.Primary]; !ok {
		return fmt.Errorf("primary version %q is not among the keys", kf.Primary)
	}
	for id, key := range kf.Keys {
		if len(key) != keyLen {
			return fmt.Errorf("key version %q is %d bytes, want %d", id, len(key), keyLen)
		}
	}
	if len(kf.Pseudonym) != keyLen {
		return fmt.Errorf("pseudonym key is %d bytes, want %d", len(kf.Pseudonym), keyLen)
	}
	return nil
}

// createKeyFile writes a new key file with one version. The file appears
// complete or not at all (temp file + link), and if another process created
// it first, that one is used.
func createKeyFile(path string) (keyFile, error) {
	kf := keyFile{Keys: map[string][]byte{}}
	if err := kf.addVersion(); err != nil {
		return keyFile{}, err
	}
	kf.Pseudonym = make([]byte, keyLen)
	if _, err := rand.Read(kf.Pseudonym); err != nil {
		return keyFile{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return keyFile{}, err
	}
	tmp, err := writeTemp(path, kf)
	if err != nil {
		return keyFile{}, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	} else if err != nil {
		return keyFile{}, err
	}
	return kf, nil
}

// addVersion adds a fresh random key as the new primary, named file-N
// with N above every version's number, so a retired name is never reused.
func (kf *keyFile) addVersion() error {
	key := make([]byte, keyLen)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	n := 1
	for id := range kf.Keys {
		if m, err := strconv.Atoi(strings.TrimPrefix(id, "file-")); err == nil && m >= n {
			n = m + 1
		}
	}
	id := "file-" + strconv.Itoa(n)
	kf.Keys[id] = key
	kf.Primary = id
	return nil
}

// writeTemp writes kf to a new 0600 temp file next to path, synced.
func writeTemp(path string, kf keyFile) (string, error) {
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// RotateKEKFile adds a new primary version to the key file at path, keeping
// every older version so existing wraps still open. The file is replaced
// atomically; a lock file beside it keeps two rotations from losing each
// other's version. Run Vault.Rotate afterwards to re-wrap tenant keys.
func RotateKEKFile(path string) error {
	err := editKeyFile(path, func(kf *keyFile) error { return kf.addVersion() })
	if err != nil {
		return fmt.Errorf("rotate kek file: %w", err)
	}
	return nil
}

// editKeyFile changes the key file under its lock and replaces it.
func editKeyFile(path string, edit func(*keyFile) error) error {
	lock := path + ".lock"
	lf, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: another rotation or retirement is running, or one crashed (then remove it)", lock)
	}
	if err != nil {
		return err
	}
	lf.Close()
	defer os.Remove(lock)

	kf, err := readKeyFile(path)
	if err != nil {
		return err
	}
	if err := edit(&kf); err != nil {
		return err
	}
	return replaceKeyFile(path, kf)
}

// replaceKeyFile writes kf to a temp file, renames it over path, and then
// overwrites the old file's bytes through a handle opened before the
// rename: the old inode is unlinked by then, but its blocks would still
// hold every key it had, retired ones included, and so would any other
// link to it. (Below the file system — journals, snapshots, SSD remapping
// — a program cannot reach; keep the data directory on encrypted storage.)
func replaceKeyFile(path string, kf keyFile) error {
	old, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer old.Close()
	tmp, err := writeTemp(path, kf)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	info, err := old.Stat()
	if err != nil {
		return fmt.Errorf("wipe old key file: %w", err)
	}
	if _, err := old.WriteAt(make([]byte, info.Size()), 0); err != nil {
		return fmt.Errorf("wipe old key file: %w", err)
	}
	if err := old.Sync(); err != nil {
		return fmt.Errorf("wipe old key file: %w", err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}
