package vault

import (
	"context"
	"errors"
	"fmt"

	"parley/internal/store"
)

// Rotate re-wraps every stored key under the KEK's current version and
// reports how many it re-wrapped. The keys themselves do not change, so
// running gateways keep working throughout, and a re-wrap lands only if the
// key is still the one read (store.ReplaceKey): a key shredded or re-wrapped
// meanwhile is skipped, never resurrected. Rotate is safe to rerun.
func (v *Vault) Rotate(ctx context.Context) (int, error) {
	all, err := v.keys.AllKeys(ctx)
	if err != nil {
		return 0, fmt.Errorf("rotate: %w", err)
	}
	n := 0
	for _, k := range all {
		plain, err := v.kek.Unwrap(ctx, k.KEKID, k.Wrapped)
		if err != nil {
			return n, fmt.Errorf("rotate: tenant key %s/%s: %w", v.Pseudonym(string(k.Tenant)), k.Purpose, err)
		}
		kekID, wrapped, err := v.kek.Wrap(ctx, plain)
		if err != nil {
			return n, fmt.Errorf("rotate: %w", err)
		}
		next := k
		next.KEKID, next.Wrapped = kekID, wrapped
		err = v.keys.ReplaceKey(ctx, next, k.Wrapped)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("rotate: %w", err)
		}
		n++
	}
	return n, nil
}
