package admin

import (
	"errors"

	"parley/internal/core"
	"parley/internal/store"
)

func (a *API) listWorkspaces(c *call, _ *none) (WorkspacesOut, error) {
	ws, err := a.st.Workspaces(c.ctx(), c.tenant)
	if err != nil {
		return WorkspacesOut{}, err
	}
	out := WorkspacesOut{Workspaces: []WorkspaceOut{}}
	for _, w := range ws {
		out.Workspaces = append(out.Workspaces, WorkspaceOut{Platform: string(w.Platform), ID: string(w.ID), Name: w.Name,
			Healthy: w.Healthy, Updated: w.Updated.UTC(), Origin: string(w.Origin)})
	}
	return out, nil
}

func (a *API) disconnectWorkspace(c *call, _ *none) (none, error) {
	p, id := core.Platform(c.r.PathValue("platform")), core.WorkspaceID(c.r.PathValue("workspace"))
	c.target = "workspace:" + string(p) + "/" + string(id)
	err := a.st.DeleteWorkspace(c.ctx(), c.tenant, p, id)
	if errors.Is(err, store.ErrNotFound) {
		return none{}, notFound("workspace")
	}
	if err != nil {
		return none{}, err
	}
	a.notify(c, "workspaces")
	return none{}, nil
}
