package vault

import (
	"context"
	"fmt"
)

// pseudonymLen is 72 bits of HMAC: enough to tell IDs apart in logs,
// short enough to read.
const pseudonymLen = 12

// purposePseudonym is the deployment key kept in the store for KEKs that
// cannot hold one; it lives under the empty tenant, which no real tenant
// can have.
const purposePseudonym = "pseudonym"

// Pseudonym returns a short keyed hash of value for logs and metrics, the
// same across every process of the deployment. Its key is the key file's
// pseudonym key; with a KMS KEK it is a deployment key wrapped in the store
// (see LoadPseudonymKey).
func (v *Vault) Pseudonym(value string) string {
	v.mu.Lock()
	key := v.pseudo
	v.mu.Unlock()
	return keyedHash(key, "pseudonym", value)[:pseudonymLen]
}

// LoadPseudonymKey fetches (or creates) the deployment pseudonym key kept in
// the store, for KEKs that do not hold one themselves (KMS KEKs). Call it at
// start-up; with a key file it does nothing.
func (v *Vault) LoadPseudonymKey(ctx context.Context) error {
	if _, ok := v.kek.(PseudonymKeyer); ok {
		return nil
	}
	key, err := v.loadKey(ctx, slotID{"", purposePseudonym}, true)
	if err != nil {
		return fmt.Errorf("load pseudonym key: %w", err)
	}
	v.mu.Lock()
	v.pseudo = key
	v.mu.Unlock()
	return nil
}
