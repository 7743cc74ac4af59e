-- +goose Up
-- The traffic log: what was relayed, never what was said. Source and
-- destination are pseudonyms (keyed hashes); rows are purged after the
-- retention period (72 h by default).
CREATE TABLE traffic (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    src_platform TEXT   NOT NULL,
    src         TEXT    NOT NULL,
    dst_platform TEXT   NOT NULL,
    dst         TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    files       INTEGER NOT NULL,
    outcome     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    latency_ms  BIGINT  NOT NULL
);
CREATE INDEX traffic_tenant_at ON traffic (tenant, at);
CREATE INDEX traffic_at ON traffic (at);
