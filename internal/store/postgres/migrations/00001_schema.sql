-- +goose Up
-- Parley's schema on PostgreSQL: the SQLite store's, table for table.
-- BIGINT unix nanoseconds for times (0 means unset), BYTEA for sealed
-- bytes, TEXT for IDs, names and blind indexes. No column holds message
-- text, file content or a token in clear. IDs compare byte by byte
-- (COLLATE "C"), as in SQLite, so every list comes back in the same order
-- whatever the database's locale.

CREATE TABLE tenants (
    id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name    TEXT   NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE workspaces (
    tenant      TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    platform    TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    name        TEXT    NOT NULL,
    credentials BYTEA,
    healthy     BOOLEAN NOT NULL,
    updated     BIGINT  NOT NULL,
    PRIMARY KEY (tenant, platform, id)
);
-- A workspace belongs to one tenant: inbound events are attributed by
-- their workspace, so a second owner would receive the first's traffic.
CREATE UNIQUE INDEX workspaces_owner ON workspaces (platform, id);

CREATE TABLE links (
    tenant TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id     TEXT COLLATE "C" NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- The primary key makes a channel belong to one link per tenant.
CREATE TABLE link_channels (
    tenant    TEXT COLLATE "C" NOT NULL,
    link      TEXT COLLATE "C" NOT NULL,
    position  INTEGER NOT NULL,
    platform  TEXT COLLATE "C" NOT NULL,
    workspace TEXT COLLATE "C" NOT NULL,
    channel   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant, platform, workspace, channel),
    FOREIGN KEY (tenant, link) REFERENCES links (tenant, id) ON DELETE CASCADE
);
CREATE INDEX link_channels_link ON link_channels (tenant, link);

-- Keys have no foreign key to tenants: the vault may hold a deployment key
-- under the empty tenant, and shredding must work even for a half-deleted
-- tenant.
CREATE TABLE tenant_keys (
    tenant  TEXT COLLATE "C" NOT NULL,
    purpose TEXT COLLATE "C" NOT NULL,
    kek_id  TEXT   NOT NULL,
    wrapped BYTEA  NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (tenant, purpose)
);

-- The message map: idx and grp are blind indexes, sealed is a sealed
-- MessageRef.
CREATE TABLE copies (
    tenant  TEXT COLLATE "C" NOT NULL,
    idx     TEXT COLLATE "C" NOT NULL,
    grp     TEXT COLLATE "C" NOT NULL,
    sealed  BYTEA  NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, idx)
);
CREATE INDEX copies_group ON copies (tenant, grp);
CREATE INDEX copies_expires ON copies (expires);

CREATE TABLE seen_marks (
    mark    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    expires BIGINT NOT NULL
);
CREATE INDEX seen_marks_expires ON seen_marks (expires);

-- The traffic log: what was relayed, never what was said. Source and
-- destination are pseudonyms (keyed hashes); rows are purged after the
-- retention period (72 h by default).
CREATE TABLE traffic (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       TEXT COLLATE "C" NOT NULL,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,
    src_platform TEXT    NOT NULL,
    src          TEXT    NOT NULL,
    dst_platform TEXT    NOT NULL,
    dst          TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    files        INTEGER NOT NULL,
    outcome      TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    latency_ms   BIGINT  NOT NULL
);
CREATE INDEX traffic_tenant_at ON traffic (tenant, at);
CREATE INDEX traffic_at ON traffic (at);

-- The last message seen per linked channel: idx is a blind index of the
-- channel, sealed holds the message reference.
CREATE TABLE cursors (
    tenant  TEXT COLLATE "C" NOT NULL,
    idx     TEXT COLLATE "C" NOT NULL,
    sealed  BYTEA  NOT NULL,
    updated BIGINT NOT NULL,
    PRIMARY KEY (tenant, idx)
);

-- Events set aside because handling them panicked. sealed is the event as
-- it was on the bus (sealed with the tenant's data key); reason is
-- content-free. Rows are purged at expires like the message map.
CREATE TABLE dead_letters (
    tenant  TEXT COLLATE "C" NOT NULL,
    id      TEXT COLLATE "C" NOT NULL,
    sealed  BYTEA  NOT NULL,
    reason  TEXT   NOT NULL,
    at      BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX dead_letters_expires ON dead_letters (expires);
