package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"

	"gocloud.dev/secrets"
	_ "gocloud.dev/secrets/hashivault"   // hashivault:// — HashiCorp Vault transit
	_ "gocloud.dev/secrets/localsecrets" // base64key:// — a key in the URL, for tests
)

// cloudKEK is a KEK held by a KMS through gocloud.dev/secrets. The KMS
// versions its keys itself and puts the version inside the ciphertext, so
// the ID only names which KMS key this is.
type cloudKEK struct {
	id     string
	keeper *secrets.Keeper
}

var _ KEK = (*cloudKEK)(nil)

func openKEKCloud(ctx context.Context, u *url.URL) (*cloudKEK, error) {
	keeper, err := secrets.OpenKeeper(ctx, u.String())
	if err != nil {
		// gocloud errors may quote the URL, which can carry a key.
		return nil, fmt.Errorf("open kek: cannot open %s:// keeper (check the url and the KMS credentials)", u.Scheme)
	}
	return &cloudKEK{id: cloudID(u), keeper: keeper}, nil
}

// cloudID names the KMS key without revealing anything in its URL (a
// base64key:// URL is itself the key): the scheme plus a hash of the
// location, query excluded so reordering options keeps the ID.
func cloudID(u *url.URL) string {
	sum := sha256.Sum256([]byte(u.Scheme + "://" + u.Host + u.Path))
	return u.Scheme + "-" + hex.EncodeToString(sum[:8])
}

func (k *cloudKEK) ID() string { return k.id }

func (k *cloudKEK) Wrap(ctx context.Context, plaintext []byte) (string, []byte, error) {
	w, err := k.keeper.Encrypt(ctx, plaintext)
	if err != nil {
		return "", nil, fmt.Errorf("wrap with %s: %w", k.id, err)
	}
	return k.id, w, nil
}

// Unwrap asks the KMS whatever kekID says: the KMS knows its own versions,
// and a key it did not wrap fails to decrypt anyway.
func (k *cloudKEK) Unwrap(ctx context.Context, kekID string, wrapped []byte) ([]byte, error) {
	p, err := k.keeper.Decrypt(ctx, wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap %s with %s: %w", kekID, k.id, err)
	}
	return p, nil
}

// Close releases the keeper's connections.
func (k *cloudKEK) Close() error { return k.keeper.Close() }
