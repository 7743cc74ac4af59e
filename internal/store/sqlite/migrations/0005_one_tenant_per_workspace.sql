-- +goose Up
-- A workspace belongs to one tenant: inbound events are attributed by
-- their workspace, so a second owner would receive the first's traffic.
CREATE UNIQUE INDEX workspaces_owner ON workspaces (platform, id);
