package vault

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/core"
)

// Shred deletes the tenant's keys and forgets this process's cached copies:
// everything ever sealed for the tenant becomes unreadable, wherever it is
// stored, and its blind indexes can no longer be recomputed. Other
// processes notice within the recheck interval (30 s). A later Seal for the
// tenant starts afresh with a new key.
func (v *Vault) Shred(ctx context.Context, tenant core.TenantID) error {
	if tenant == "" {
		return errors.New("shred: empty tenant")
	}
	v.forget(tenant)
	if err := v.keys.DeleteKeys(ctx, tenant); err != nil {
		return fmt.Errorf("shred: %w", err)
	}
	// A Seal racing with the delete may have cached the key again.
	v.forget(tenant)
	return nil
}
