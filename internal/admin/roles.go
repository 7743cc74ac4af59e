package admin

import (
	"fmt"
	"slices"
)

// Role is what a person may do in a tenant.
type Role string

// Tenant roles, most powerful first.
const (
	Owner    Role = "owner"
	Admin    Role = "admin"
	Operator Role = "operator"
	Auditor  Role = "auditor"
	Viewer   Role = "viewer"
)

// TenantRoles lists every tenant role.
var TenantRoles = []Role{Owner, Admin, Operator, Auditor, Viewer}

// installationRole is the role stored under store.Installation.
const installationRole = "operator"

// ParseRole accepts a tenant role's name.
func ParseRole(s string) (Role, error) {
	if slices.Contains(TenantRoles, Role(s)) {
		return Role(s), nil
	}
	return "", fmt.Errorf("role %q is not one of owner, admin, operator, auditor, viewer", s)
}
