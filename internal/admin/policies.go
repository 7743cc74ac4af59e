package admin

import (
	"strings"

	"parley/internal/policy"
	"parley/internal/store"
)

// A tenant's policy document is sealed with the tenant's key (it names
// restricted people, and admins' patterns may be personal data too), so
// shredding the tenant destroys it with everything else.

func (a *API) getPolicies(c *call, _ *none) (policy.Document, error) {
	return policy.Load(c.ctx(), a.st, a.vault, c.tenant)
}

func (a *API) putPolicies(c *call, in *policy.Document) (policy.Document, error) {
	ls, err := a.st.Links(c.ctx(), c.tenant)
	if err != nil {
		return policy.Document{}, err
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = string(l.ID)
	}
	if err := in.Validate(ids); err != nil {
		return policy.Document{}, badRequest("%s", strings.TrimPrefix(err.Error(), policy.ErrInvalid.Error()+": "))
	}
	if _, err := policy.Compile(*in); err != nil {
		return policy.Document{}, badRequest("%v", err)
	}
	sealed, err := policy.Seal(c.ctx(), a.vault, c.tenant, *in)
	if err != nil {
		return policy.Document{}, err
	}
	if err := a.st.PutPolicy(c.ctx(), store.Policy{Tenant: c.tenant, Sealed: sealed, Updated: a.now().UTC()}); err != nil {
		return policy.Document{}, err
	}
	a.notify(c, "policies")
	return *in, nil
}
