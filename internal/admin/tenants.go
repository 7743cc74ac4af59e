package admin

import (
	"errors"
	"slices"
	"strings"

	"parley/internal/core"
	"parley/internal/store"
)

func (a *API) getMe(c *call, _ *none) (Me, error) {
	out := Me{ID: c.who.actor, Installation: c.who.installation, Roles: []MeRole{}}
	for t, r := range c.who.roles {
		out.Roles = append(out.Roles, MeRole{Tenant: string(t), Role: string(r)})
	}
	slices.SortFunc(out.Roles, func(x, y MeRole) int { return strings.Compare(x.Tenant, y.Tenant) })
	if c.who.session {
		tok, err := a.csrfToken(c.ctx(), c.who)
		if err != nil {
			return Me{}, err
		}
		out.CSRFToken = tok
	}
	return out, nil
}

func (a *API) listTenants(c *call, _ *none) (TenantsOut, error) {
	all, err := a.st.Tenants(c.ctx())
	if err != nil {
		return TenantsOut{}, err
	}
	out := TenantsOut{Tenants: []TenantOut{}}
	for _, t := range all {
		role, ok := c.who.roles[t.ID]
		if ok || c.who.installation {
			out.Tenants = append(out.Tenants, TenantOut{ID: string(t.ID), Name: t.Name, Role: string(role)})
		}
	}
	return out, nil
}

func (a *API) getTenant(c *call, _ *none) (TenantOut, error) {
	t, err := a.st.Tenant(c.ctx(), c.tenant)
	if errors.Is(err, store.ErrNotFound) {
		return TenantOut{}, errNoTenant
	}
	if err != nil {
		return TenantOut{}, err
	}
	return TenantOut{ID: string(t.ID), Name: t.Name, Role: string(c.role)}, nil
}

// validTenantID is what config validation accepts too: a token that can
// stand in a bus subject.
func validTenantID(id string) bool {
	return id != "" && len(id) <= 64 && validID.MatchString(id)
}

func (a *API) createTenant(c *call, in *NewTenant) (TenantOut, error) {
	c.target = "tenant:" + in.ID
	if !validTenantID(in.ID) {
		return TenantOut{}, badRequest("id: 1 to 64 letters, digits, '-' or '_'")
	}
	if in.Name == "" || len(in.Name) > maxName {
		return TenantOut{}, badRequest("name: required, at most %d characters", maxName)
	}
	if len(in.Owners) == 0 {
		return TenantOut{}, badRequest("owners: name at least one owner's email")
	}
	var rs []store.RoleAssignment
	for i, o := range in.Owners {
		email, e := checkEmail(o)
		if e != nil {
			return TenantOut{}, badRequest("owners[%d]: %s", i, e.Message)
		}
		r, err := a.assignment(c.ctx(), core.TenantID(in.ID), email, string(Owner), "", store.OriginAPI)
		if err != nil {
			return TenantOut{}, err
		}
		rs = append(rs, r)
	}
	err := a.st.CreateTenant(c.ctx(), store.Tenant{ID: core.TenantID(in.ID), Name: in.Name, Created: a.now().UTC()})
	if errors.Is(err, store.ErrExists) {
		return TenantOut{}, conflict("tenant %q exists", in.ID)
	}
	if err != nil {
		return TenantOut{}, err
	}
	for _, r := range rs {
		if err := a.st.PutRole(c.ctx(), r); err != nil {
			return TenantOut{}, err
		}
	}
	return TenantOut{ID: in.ID, Name: in.Name}, nil
}

func (a *API) getStatus(c *call, _ *none) (StatusOut, error) {
	if a.opts.Status == nil {
		return StatusOut{}, nil
	}
	return a.opts.Status(c.ctx())
}
