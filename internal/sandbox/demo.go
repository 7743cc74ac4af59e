package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"parley/internal/admin"
	"parley/internal/platform"
	"parley/internal/platform/builtin"
)

// Platforms are the platforms the sandbox emulates: every registered one
// with an emulated side, in the registry's order.
func Platforms() []platform.Platform {
	var out []platform.Platform
	for _, p := range builtin.All() {
		if p.Sandbox != nil {
			out = append(out, p)
		}
	}
	return out
}

// demo is one platform's part of the demo.
type demo struct {
	p platform.Platform
	*platform.Demo
}

// The demo tenant holds the room every platform joins; platforms may add
// tenants of their own (platform.Demo.Tenants).
const (
	demoTenantName = "Demo tenant"
	roomID         = "partners"
)

// roleOrder sorts the demo people as the admin plane lists roles.
var roleOrder = []string{"owner", "admin", "operator", "auditor", "viewer"}

// manifestOf assembles the manifest from the platforms' demos: their
// sections, the demo room of every platform's room channels (named after
// the companies in it), their further links, tenants and people.
func manifestOf(demos []demo, publicURL, adminURL string) (*Manifest, error) {
	m := &Manifest{
		Gateway: ManifestGateway{PublicURL: publicURL, AdminURL: adminURL, Inbound: map[string]string{}},
		Admin:   &ManifestAdmin{APIURL: adminURL + admin.Prefix, OpenAPIURL: adminURL + admin.Prefix + "openapi.json", ConsoleURL: adminURL + "/"},
	}
	room := ManifestLink{ID: roomID, Tenant: platform.DemoTenant}
	var companies []string
	tenants := []platform.Tenant{{ID: platform.DemoTenant, Name: demoTenantName}}
	var people []AdminPerson
	for _, d := range demos {
		for _, mt := range d.p.Mounts {
			m.Gateway.Inbound[mt.Name] = publicURL + mt.Path
		}
		raw, err := json.Marshal(d.Section)
		if err != nil {
			return nil, fmt.Errorf("%s manifest: %w", d.p.Name, err)
		}
		m.Platforms.set(string(d.p.Name), raw)
		for _, c := range d.Room {
			room.Channels = append(room.Channels, c)
			for _, w := range d.Workspaces {
				if w.ID == c.Workspace && !slices.Contains(companies, w.Name) {
					companies = append(companies, w.Name)
				}
			}
		}
		tenants = append(tenants, d.Tenants...)
		for _, p := range d.People {
			people = append(people, AdminPerson{Email: p.Email, Tenant: p.Tenant, Role: p.Role, Platform: string(d.p.Name)})
		}
	}
	room.Name = "partners: " + strings.Join(companies, ", ")
	m.Links = append(m.Links, room)
	for _, d := range demos {
		m.Links = append(m.Links, d.Links...)
	}
	for _, t := range tenants {
		mt := ManifestTenant{ID: t.ID, Name: t.Name}
		for _, l := range m.Links {
			if l.Tenant == t.ID {
				mt.Links = append(mt.Links, l.ID)
			}
		}
		m.Tenants = append(m.Tenants, mt)
	}
	tenantAt := func(id string) int {
		return slices.IndexFunc(tenants, func(t platform.Tenant) bool { return t.ID == id })
	}
	slices.SortStableFunc(people, func(a, b AdminPerson) int {
		if d := tenantAt(a.Tenant) - tenantAt(b.Tenant); d != 0 {
			return d
		}
		return slices.Index(roleOrder, a.Role) - slices.Index(roleOrder, b.Role)
	})
	m.Admin.People = people
	return m, nil
}
