-- +goose Up
-- Monitoring alerts and quarantined links, as in the SQLite store's
-- 0008_alerts.sql.
CREATE TABLE alerts (
    tenant  TEXT COLLATE "C" NOT NULL,
    id      TEXT COLLATE "C" NOT NULL,
    at      BIGINT NOT NULL,
    kind    TEXT   NOT NULL,
    link    TEXT   NOT NULL,
    detail  TEXT   NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX alerts_at ON alerts (tenant, at);
CREATE INDEX alerts_expires ON alerts (expires);

CREATE TABLE quarantines (
    tenant TEXT COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    link   TEXT COLLATE "C" NOT NULL,
    since  BIGINT NOT NULL,
    reason TEXT   NOT NULL,
    PRIMARY KEY (tenant, link)
);
