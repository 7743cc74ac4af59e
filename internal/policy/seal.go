package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"parley/internal/core"
	"parley/internal/store"
)

// Sealer seals and opens with a tenant's key (the vault).
type Sealer interface {
	Seal(ctx context.Context, tenant core.TenantID, plaintext, aad []byte) ([]byte, error)
	Open(ctx context.Context, tenant core.TenantID, sealed, aad []byte) ([]byte, error)
}

// aad binds a sealed document to its purpose and tenant.
func aad(t core.TenantID) []byte { return []byte("policy|" + string(t)) }

// Seal encodes and seals a tenant's document for the store.
func Seal(ctx context.Context, v Sealer, t core.TenantID, d Document) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return v.Seal(ctx, t, b, aad(t))
}

// Load returns the tenant's document, an empty one if it has none.
func Load(ctx context.Context, st store.Store, v Sealer, t core.TenantID) (Document, error) {
	p, err := st.Policy(ctx, t)
	if errors.Is(err, store.ErrNotFound) {
		return Document{Links: map[string]LinkPolicy{}}, nil
	}
	if err != nil {
		return Document{}, err
	}
	return open(ctx, v, p)
}

func open(ctx context.Context, v Sealer, p store.Policy) (Document, error) {
	b, err := v.Open(ctx, p.Tenant, p.Sealed, aad(p.Tenant))
	if err != nil {
		return Document{}, fmt.Errorf("open policy: %w", err)
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return Document{}, fmt.Errorf("decode policy: %w", err)
	}
	if d.Links == nil {
		d.Links = map[string]LinkPolicy{}
	}
	return d, nil
}

// LoadAll compiles every tenant's policy. A tenant whose document cannot
// be opened or compiled is reported in errs and left out of the map; the
// caller decides whether to keep relaying that tenant's traffic (the
// gateway keeps its previous set, so a broken document never drops a
// policy that was in force).
func LoadAll(ctx context.Context, st store.Store, v Sealer) (map[core.TenantID]*Set, map[core.TenantID]error, error) {
	ps, err := st.AllPolicies(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := map[core.TenantID]*Set{}
	errs := map[core.TenantID]error{}
	for _, p := range ps {
		d, err := open(ctx, v, p)
		if err == nil {
			out[p.Tenant], err = Compile(d)
		}
		if err != nil {
			errs[p.Tenant] = err
			delete(out, p.Tenant)
		}
	}
	return out, errs, nil
}
