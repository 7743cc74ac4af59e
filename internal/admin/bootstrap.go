package admin

import (
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"parley/internal/config"
	"parley/internal/core"
	"parley/internal/store"
)

// ApplyRoles makes the store's role assignments match the config file:
// tenants[].owners and tenants[].roles, and admin.operators for the
// installation. Assignments the file made and no longer lists are
// revoked; assignments made through the API are never touched. Run it
// after the file's tenants exist.
func (a *API) ApplyRoles(ctx context.Context, cfg *config.Config) error {
	want := map[core.TenantID][]config.RoleGrant{store.Installation: nil}
	for _, e := range cfg.Admin.Operators {
		want[store.Installation] = append(want[store.Installation], config.RoleGrant{Email: e, Role: installationRole})
	}
	for _, t := range cfg.Tenants {
		gs := []config.RoleGrant{}
		for _, e := range t.Owners {
			gs = append(gs, config.RoleGrant{Email: e, Role: string(Owner)})
		}
		want[t.ID] = append(gs, t.Roles...)
	}
	// Tenants the file no longer lists keep their data, but lose the
	// roles the file gave.
	all, err := a.st.Tenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range all {
		if _, ok := want[t.ID]; !ok {
			want[t.ID] = nil
		}
	}
	for t, grants := range want {
		keep := map[string]bool{}
		for _, g := range grants {
			r, err := a.assignment(ctx, t, normalizeEmail(g.Email), g.Role, g.Provider, store.OriginConfig)
			if err != nil {
				return fmt.Errorf("role for tenant %q: %w", t, err)
			}
			if err := a.st.PutRole(ctx, r); err != nil {
				return fmt.Errorf("role for tenant %q: %w", t, err)
			}
			keep[r.Person] = true
		}
		have, err := a.st.Roles(ctx, t)
		if err != nil {
			return err
		}
		for _, r := range have {
			if r.Origin == store.OriginConfig && !keep[r.Person] {
				if err := a.st.DeleteRole(ctx, t, r.Person); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// exportConfig renders the tenant as a config-file section, whatever made
// each object, so API changes can be carried into the file. Tokens are
// not exported (the store holds them sealed, and only the gateway may
// open them): each workspace names an environment variable to fill.
func (a *API) exportConfig(c *call, _ *none) (raw, error) {
	t, err := a.st.Tenant(c.ctx(), c.tenant)
	if err != nil {
		return nil, err
	}
	out := config.Tenant{ID: t.ID, Name: t.Name}
	ws, err := a.st.Workspaces(c.ctx(), c.tenant)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		cw := config.Workspace{Platform: w.Platform, ID: w.ID, Name: w.Name}
		if w.Platform != core.Teams {
			cw.BotToken = config.SecretRef{Ref: "env:" + tokenEnvName(w.Platform, w.ID)}
		}
		out.Workspaces = append(out.Workspaces, cw)
	}
	ls, err := a.st.Links(c.ctx(), c.tenant)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		cl := config.Link{ID: l.ID, Name: l.Name}
		for _, ch := range l.Channels {
			cl.Channels = append(cl.Channels, config.Channel{Platform: ch.Platform, Workspace: ch.Workspace, Channel: ch.Channel})
		}
		out.Links = append(out.Links, cl)
	}
	rs, err := a.st.Roles(c.ctx(), c.tenant)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if email := a.openEmail(c.ctx(), r); email != "" {
			out.Roles = append(out.Roles, config.RoleGrant{Email: email, Role: r.Role, Provider: r.Provider})
		}
	}
	b, err := yaml.Marshal(map[string]any{"tenants": []config.Tenant{out}})
	if err != nil {
		return nil, err
	}
	return raw(append([]byte("# Exported by Parley's admin API: paste into the config file's tenants.\n"), b...)), nil
}

func tokenEnvName(p core.Platform, id core.WorkspaceID) string {
	s := strings.ToUpper(string(p) + "_" + string(id) + "_BOT_TOKEN")
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
