package vault

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// Index returns a blind index of parts for the tenant: HMAC-SHA256 under the
// tenant's index key over the length-prefixed parts, base64url without
// padding. Equal parts give equal indexes, so the store can look records up
// without holding the IDs; without the key nothing can be learned from it,
// and each tenant's indexes differ.
func (v *Vault) Index(ctx context.Context, tenant core.TenantID, parts ...string) (string, error) {
	key, err := v.key(ctx, tenant, store.PurposeIndex, true)
	if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	return keyedHash(key, parts...), nil
}

func keyedHash(key []byte, parts ...string) string {
	var b []byte
	for _, p := range parts {
		b = appendPart(b, p)
	}
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
