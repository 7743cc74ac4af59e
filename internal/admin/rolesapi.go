package admin

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"parley/internal/core"
	"parley/internal/store"
)

// emailAAD binds a sealed email to its assignment.
func emailAAD(person string) []byte { return []byte("role-email|" + person) }

// sealEmail seals an email for a scope: the tenant's key, so shredding
// the tenant destroys it, or the deployment's for the installation.
func (a *API) sealEmail(ctx context.Context, t core.TenantID, person, email string) ([]byte, error) {
	if t == store.Installation {
		return a.vault.SealDeployment(ctx, []byte(email), emailAAD(person))
	}
	return a.vault.Seal(ctx, t, []byte(email), emailAAD(person))
}

func (a *API) openEmail(ctx context.Context, r store.RoleAssignment) string {
	var b []byte
	var err error
	if r.Tenant == store.Installation {
		b, err = a.vault.OpenDeployment(ctx, r.SealedEmail, emailAAD(r.Person))
	} else {
		b, err = a.vault.Open(ctx, r.Tenant, r.SealedEmail, emailAAD(r.Person))
	}
	if err != nil {
		return ""
	}
	return string(b)
}

// checkEmail accepts a bare address only.
func checkEmail(s string) (string, *Error) {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != strings.TrimSpace(s) || len(s) > 254 || addr.Name != "" {
		return "", badRequest("email: want a bare address such as alice@example.com")
	}
	return normalizeEmail(addr.Address), nil
}

// assignment builds a role assignment for email in scope t.
func (a *API) assignment(ctx context.Context, t core.TenantID, email, role, provider string, origin store.Origin) (store.RoleAssignment, error) {
	person, err := a.personIndex(ctx, email)
	if err != nil {
		return store.RoleAssignment{}, err
	}
	sealed, err := a.sealEmail(ctx, t, person, email)
	if err != nil {
		return store.RoleAssignment{}, err
	}
	return store.RoleAssignment{Tenant: t, Person: person, Role: role, SealedEmail: sealed, Provider: provider, Origin: origin, Updated: a.now().UTC()}, nil
}

func (a *API) roleOut(ctx context.Context, r store.RoleAssignment) RoleOut {
	return RoleOut{Person: personID(r.Person), Email: a.openEmail(ctx, r), Role: r.Role, Provider: r.Provider, Origin: string(r.Origin), Updated: r.Updated.UTC()}
}

func (a *API) listRoles(c *call, _ *none) (RolesOut, error) {
	limit, pos, e := page(c.r)
	if e != nil {
		return RolesOut{}, e
	}
	rs, err := a.st.Roles(c.ctx(), c.tenant)
	if err != nil {
		return RolesOut{}, err
	}
	out := RolesOut{Roles: []RoleOut{}}
	for _, r := range rs {
		if pos.K != "" && r.Person <= pos.K {
			continue
		}
		if len(out.Roles) == limit {
			out.NextCursor = encodeCursor(position{K: prevPerson(rs, r.Person)})
			break
		}
		out.Roles = append(out.Roles, a.roleOut(c.ctx(), r))
	}
	return out, nil
}

func prevPerson(rs []store.RoleAssignment, next string) string {
	last := ""
	for _, r := range rs {
		if r.Person >= next {
			break
		}
		last = r.Person
	}
	return last
}

// findRole finds the assignment named by {person} in the call's tenant.
func (a *API) findRole(c *call) (store.RoleAssignment, []store.RoleAssignment, error) {
	id := c.r.PathValue("person")
	c.target = "person:" + id
	rs, err := a.st.Roles(c.ctx(), c.tenant)
	if err != nil {
		return store.RoleAssignment{}, nil, err
	}
	for _, r := range rs {
		if personID(r.Person) == id {
			return r, rs, nil
		}
	}
	return store.RoleAssignment{}, nil, notFound("person")
}

// mayManage: owners manage every role; admins manage every role but
// owner, and cannot touch an owner's.
func (c *call) mayManage(from, to Role) *Error {
	if c.role == Owner {
		return nil
	}
	if from == Owner || to == Owner {
		return apiError(403, "forbidden", "only an owner can give, change or revoke the owner role")
	}
	return nil
}

func owners(rs []store.RoleAssignment) int {
	n := 0
	for _, r := range rs {
		if r.Role == string(Owner) {
			n++
		}
	}
	return n
}

func (a *API) assignRole(c *call, in *RoleIn) (RoleOut, error) {
	email, e := checkEmail(in.Email)
	if e != nil {
		return RoleOut{}, e
	}
	role, err := ParseRole(in.Role)
	if err != nil {
		return RoleOut{}, badRequest("role: %v", err)
	}
	if in.Provider != "" && a.providers[in.Provider] == nil {
		return RoleOut{}, badRequest("provider: %q is not a configured sign-in provider", in.Provider)
	}
	if e := c.mayManage("", role); e != nil {
		return RoleOut{}, e
	}
	r, err := a.assignment(c.ctx(), c.tenant, email, string(role), in.Provider, store.OriginAPI)
	if err != nil {
		return RoleOut{}, err
	}
	c.target = "person:" + personID(r.Person)
	rs, err := a.st.Roles(c.ctx(), c.tenant)
	if err != nil {
		return RoleOut{}, err
	}
	for _, x := range rs {
		if x.Person == r.Person {
			return RoleOut{}, conflict("this person already has a role here; change it with PATCH roles/%s", personID(r.Person))
		}
	}
	if err := a.st.PutRole(c.ctx(), r); err != nil {
		return RoleOut{}, err
	}
	return a.roleOut(c.ctx(), r), nil
}

func (a *API) changeRole(c *call, in *RolePatch) (RoleOut, error) {
	r, rs, err := a.findRole(c)
	if err != nil {
		return RoleOut{}, err
	}
	role, err := ParseRole(in.Role)
	if err != nil {
		return RoleOut{}, badRequest("role: %v", err)
	}
	if e := c.mayManage(Role(r.Role), role); e != nil {
		return RoleOut{}, e
	}
	if r.Role == string(Owner) && role != Owner && owners(rs) == 1 {
		return RoleOut{}, conflict("this is the tenant's last owner; make someone else owner first")
	}
	r.Role, r.Updated = string(role), a.now().UTC()
	if err := a.st.PutRole(c.ctx(), r); err != nil {
		return RoleOut{}, err
	}
	return a.roleOut(c.ctx(), r), nil
}

func (a *API) revokeRole(c *call, _ *none) (none, error) {
	r, rs, err := a.findRole(c)
	if err != nil {
		return none{}, err
	}
	if e := c.mayManage(Role(r.Role), ""); e != nil {
		return none{}, e
	}
	if r.Role == string(Owner) && owners(rs) == 1 {
		return none{}, conflict("this is the tenant's last owner; make someone else owner first")
	}
	err = a.st.DeleteRole(c.ctx(), c.tenant, r.Person)
	if errors.Is(err, store.ErrNotFound) {
		return none{}, notFound("person")
	}
	return none{}, err
}
