// Package vault holds Parley's keys: envelope encryption of everything the
// gateway must keep, blind indexes for lookups, pseudonyms for logs, key
// rotation and crypto-shredding.
//
// Each tenant has two 256-bit keys, one to seal (AES-256-GCM) and one to
// compute blind indexes (HMAC-SHA256), so that the two uses never share a
// key. Both are created on first use, wrapped by a key-encryption key (KEK)
// and kept in the store; their plaintext lives only in this process's memory.
// Deleting a tenant's wrapped keys (Shred) makes every sealed copy of its
// data unreadable, wherever that copy is.
//
// The KEK comes from a URL, so where it lives is configuration only:
//
//   - file:///path/kek.json (the default) is a local key file, created 0600
//     on first start, refused if group or others can access it. It holds
//     one or more key versions and names the primary; RotateKEKFile adds a
//     version and RetireKEKFile removes one that no longer wraps anything. It also holds the deployment's pseudonym key.
//   - Any gocloud.dev/secrets URL: hashivault:// (HashiCorp Vault transit)
//     and base64key:// (a key in the URL, for tests) are linked in;
//     awskms://, gcpkms:// and azurekeyvault:// are each one blank import
//     away (gocloud.dev/secrets/awskms, …/gcpkms, …/azurekeyvault), left
//     out only to keep the binary and its build small. gocloud.dev was
//     chosen because it is one maintained, URL-addressed API over every
//     major KMS: switching KMS changes a URL, not code.
package vault

import (
	"context"
	"errors"
	"net/url"
)

// KEK is a key-encryption key: it wraps and unwraps tenant keys. It never
// sees tenant data, only other keys.
type KEK interface {
	// ID names the KEK version used for new wraps; it is stored next to
	// each wrapped key, so that rotation can tell what still needs
	// re-wrapping.
	ID() string
	// Wrap encrypts a key under the current version.
	Wrap(ctx context.Context, plaintext []byte) (kekID string, wrapped []byte, err error)
	// Unwrap decrypts a key wrapped by version kekID of this KEK. A file
	// KEK re-reads its file when kekID is not one it knows, so that a
	// rotation done by another process is picked up.
	Unwrap(ctx context.Context, kekID string, wrapped []byte) ([]byte, error)
}

// PseudonymKeyer is implemented by KEKs that hold the deployment's pseudonym
// key themselves (the key file does). For the others the vault keeps the
// pseudonym key wrapped in the store; see Vault.LoadPseudonymKey.
type PseudonymKeyer interface {
	PseudonymKey() []byte
}

// Errors returned by KEKs.
var (
	// ErrUnknownKEK: the wrapped key names a KEK version this KEK does not
	// have. Restore the key file (or KMS key) that wrapped it.
	ErrUnknownKEK = errors.New("unknown key-encryption key version")
	// ErrKEKFileMode: the key file can be read by group or others.
	ErrKEKFileMode = errors.New("key file is accessible by group or others")
)

// OpenKEK opens the KEK at u: a file URL, a plain path (taken as a file), or
// a gocloud.dev/secrets URL. A KEK that holds connections implements
// io.Closer; close it at shutdown.
func OpenKEK(ctx context.Context, u string) (KEK, error) {
	if u == "" {
		return nil, errors.New("open kek: empty url; set a file:// path or a KMS url")
	}
	if path, ok := KEKFilePath(u); ok {
		return openKEKFile(path)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		// The URL may carry key material (base64key://), so never echo it.
		return nil, errors.New("open kek: malformed url")
	}
	if parsed.Scheme == "file" {
		return nil, errors.New("open kek: file url without a path")
	}
	return openKEKCloud(ctx, parsed)
}
