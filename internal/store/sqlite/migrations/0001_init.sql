-- +goose Up
-- Parley's first schema. Portable SQL: BIGINT unix nanoseconds for times
-- (0 means unset), BLOB for sealed bytes, TEXT for IDs and blind indexes.
-- No column holds message text, file content or a token in clear.

CREATE TABLE tenants (
    id      TEXT   NOT NULL PRIMARY KEY,
    name    TEXT   NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE workspaces (
    tenant      TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    platform    TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    credentials BLOB,
    healthy     BOOLEAN NOT NULL,
    updated     BIGINT  NOT NULL,
    PRIMARY KEY (tenant, platform, id)
);

CREATE TABLE links (
    tenant TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id     TEXT NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- The primary key makes a channel belong to one link per tenant.
CREATE TABLE link_channels (
    tenant    TEXT    NOT NULL,
    link      TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    platform  TEXT    NOT NULL,
    workspace TEXT    NOT NULL,
    channel   TEXT    NOT NULL,
    PRIMARY KEY (tenant, platform, workspace, channel),
    FOREIGN KEY (tenant, link) REFERENCES links (tenant, id) ON DELETE CASCADE
);

-- Keys have no foreign key to tenants: the vault may hold a deployment key
-- under the empty tenant, and shredding must work even for a half-deleted
-- tenant.
CREATE TABLE tenant_keys (
    tenant  TEXT   NOT NULL,
    purpose TEXT   NOT NULL,
    kek_id  TEXT   NOT NULL,
    wrapped BLOB   NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (tenant, purpose)
);

-- The message map: idx and grp are blind indexes, sealed is a sealed
-- MessageRef.
CREATE TABLE copies (
    tenant  TEXT   NOT NULL,
    idx     TEXT   NOT NULL,
    grp     TEXT   NOT NULL,
    sealed  BLOB   NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, idx)
);
CREATE INDEX copies_group ON copies (tenant, grp);
CREATE INDEX copies_expires ON copies (expires);

CREATE TABLE seen_marks (
    mark    TEXT   NOT NULL PRIMARY KEY,
    expires BIGINT NOT NULL
);
CREATE INDEX seen_marks_expires ON seen_marks (expires);
